// The one place where the stores are composed from a database (issue 15): routes and activities receive this
// bundle (AppDeps.stores, ActivityDeps.stores) and use the stores they name, never the model set. Built once
// per process by src/runtime.ts (tests build it the same way).
//
// The per-connection stores (perConnection in per-connection.ts) are read through getters: each is created on
// first use and registers its model then, as before, so a process that never uses one never creates its
// collection; every caller on the connection still gets the same instance.
import type { Database } from './connection.js';
import { createAccountStore, type AccountStore } from './account-store.js';
import { createChangeFeed, type ChangeFeed } from './change-feed.js';
import { consumedSignatures, type ConsumedSignatures } from './consumed-signatures.js';
import { createHealthChecks, type HealthChecks } from './health-checks.js';
import { pendingSpillStore, type PendingSpillStore } from './pending-spill-store.js';
import { quarantineStore, type QuarantineStore } from './quarantine-store.js';
import { reconcileSlots, type ReconcileSlots } from './reconcile-slots.js';
import {
  createLiveRecordReads,
  createRecordStore,
  type LiveRecordReads,
  type RecordStore,
  type RecordStoreWritePath,
} from './record-store.js';
import { eraseShopData, type ShopErasure } from './shop-erasure.js';
import { createShopStore, type ShopStore } from './shop-store.js';
import { shopSyncNotes, type ShopSyncNotes } from './shop-sync-notes.js';
import { vendorEventDeliveries, type VendorEventDeliveries } from './vendor-event-deliveries.js';
import { createVendorIdempotencyStore, type VendorIdempotencyStore } from './vendor-idempotency-store.js';
import { createVendorTokenStore, type VendorTokenStore } from './vendor-tokens.js';

export interface Stores {
  /** The shop document: lifecycle steps, settings, service state, version notices, Upgates' 401/403/301 state. */
  readonly shops: ShopStore;
  readonly accounts: AccountStore;
  /** The mirror's writes (one instance per process: it holds the per-shop write queues). */
  readonly records: RecordStore;
  /** The mirror's live reads (one per id, its newest version). */
  readonly liveRecords: LiveRecordReads;
  /** The mirror read by change sequence (vendor API, vendor events). */
  readonly changes: ChangeFeed;
  readonly quarantine: QuarantineStore;
  readonly syncNotes: ShopSyncNotes;
  readonly reconcileSlots: ReconcileSlots;
  readonly pendingSpills: PendingSpillStore;
  readonly vendorEventDeliveries: VendorEventDeliveries;
  readonly consumedSignatures: ConsumedSignatures;
  readonly vendorTokens: VendorTokenStore;
  readonly vendorIdempotency: VendorIdempotencyStore;
  readonly healthChecks: HealthChecks;
  /** Everything stored for a shop, erased (the retention purge; shop-erasure.ts). */
  readonly erasure: { eraseShop(shopToken: string, uninstalledAt: Date, now?: Date): Promise<ShopErasure> };
}

export interface StoresOptions {
  writePath?: RecordStoreWritePath;
  /** A record store built by the caller (tests wrap one to inject faults); by default one is built here. */
  records?: RecordStore;
}

export function createStores(db: Database, options: StoresOptions = {}): Stores {
  const { connection, models } = db;
  const records = options.records ?? createRecordStore(models, { writePath: options.writePath });
  return {
    shops: createShopStore(models.Shop),
    accounts: createAccountStore(models.Account),
    records,
    liveRecords: createLiveRecordReads(models.SyncedRecord),
    changes: createChangeFeed(models),
    get quarantine() {
      return quarantineStore(connection);
    },
    get syncNotes() {
      return shopSyncNotes(connection);
    },
    get reconcileSlots() {
      return reconcileSlots(connection);
    },
    get pendingSpills() {
      return pendingSpillStore(connection);
    },
    get vendorEventDeliveries() {
      return vendorEventDeliveries(connection);
    },
    get consumedSignatures() {
      return consumedSignatures(connection);
    },
    vendorTokens: createVendorTokenStore(models.VendorToken),
    vendorIdempotency: createVendorIdempotencyStore(models.VendorIdempotency),
    healthChecks: createHealthChecks(connection),
    erasure: { eraseShop: (shopToken, uninstalledAt, now) => eraseShopData(db, records, shopToken, uninstalledAt, now) },
  };
}
