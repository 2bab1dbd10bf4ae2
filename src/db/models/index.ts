import type { Connection } from 'mongoose';
import { registerAccountModel } from './account.js';
import { registerShopModel } from './shop.js';
import { registerSyncedRecordModel } from './synced-record.js';

export function registerModels(connection: Connection) {
  return {
    Shop: registerShopModel(connection),
    Account: registerAccountModel(connection),
    SyncedRecord: registerSyncedRecordModel(connection),
  };
}
export type Models = ReturnType<typeof registerModels>;
