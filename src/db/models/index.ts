import type { Connection } from 'mongoose';
import { registerAccountModel } from './account.js';
import { registerRecordChangeClaimModel } from './record-change-claim.js';
import { registerShopModel } from './shop.js';
import { registerSyncedRecordModel } from './synced-record.js';
import { registerVendorIdempotencyModel } from './vendor-idempotency.js';
import { registerVendorTokenModel } from './vendor-token.js';

export function registerModels(connection: Connection) {
  return {
    Shop: registerShopModel(connection),
    Account: registerAccountModel(connection),
    SyncedRecord: registerSyncedRecordModel(connection),
    RecordChangeClaim: registerRecordChangeClaimModel(connection),
    VendorToken: registerVendorTokenModel(connection),
    VendorIdempotency: registerVendorIdempotencyModel(connection),
  };
}
export type Models = ReturnType<typeof registerModels>;
