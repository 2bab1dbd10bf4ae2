// The activity surface the workflows see. Types only: workflows never import activity code.
import type { InstalledSignal, BackSyncRequest, BackSyncResult, ChangeFeedPosition } from './messages.js';
import type { SyncResource, WebhookBatch } from './lib/pending-set.js';

export interface SyncPagesInput {
  shopToken: string;
  resource: SyncResource;
  fromPage: number;
  maxPages: number;
  creationTimeFrom?: string;
  lastUpdateTimeFrom?: string;
  priority: 'mandatory' | 'optional';
}
export interface SyncPagesResult {
  nextPage: number | null;
  totalPages: number;
  records: number;
}

/** The install workflow's activities (workflows/install.ts). */
export interface InstallActivities {
  fetchOwnerAndPairAccount(input: { shopToken: string }): Promise<{ projectName: string | null }>;
  markInstallFailed(input: { shopToken: string; message: string }): Promise<void>;
  registerWebhooks(input: {
    shopToken: string;
    events: string[];
    removeEvents?: string[];
  }): Promise<{ created: number; reenabled: number; existing: number; removed: number }>;
  syncConversionCodes(input: {
    shopToken: string;
    fromVersion: number | null;
    toVersion: number;
  }): Promise<{ added: number; removed: number }>;
  planInstall(input: {
    shopToken: string;
  }): Promise<{ profile: string; version: number; webhookEvents: string[]; installed: InstalledSignal }>;
  markShopActive(input: { shopToken: string }): Promise<void>;
  handOverToShopWorkflow(input: { shopToken: string; installed: InstalledSignal }): Promise<void>;
}

/** The shop workflow's activities (workflows/shop-sync.ts). */
export interface ShopSyncActivities {
  planInitialSync(input: { shopToken: string; onlyResources?: SyncResource[] }): Promise<{
    resources: SyncResource[];
    lookbackDays: number;
    /** The resources read whole in one call (no pages): synced together by syncCodeLists. Absent from workers
     * older than that activity (then every resource goes through syncPages). */
    codeLists?: SyncResource[];
  }>;
  syncPages(input: SyncPagesInput): Promise<SyncPagesResult>;
  /** Several code lists (order statuses, languages...) fetched concurrently and written under one change claim:
   * one activity instead of a plan and a syncPages per list. */
  syncCodeLists(input: {
    shopToken: string;
    resources: SyncResource[];
    priority: 'mandatory' | 'optional';
    /** A first sync: insert first (see syncPages); false for a catch-up, which compares with what is stored. */
    expectNew: boolean;
  }): Promise<{ records: Partial<Record<SyncResource, number>> }>;
  fetchAndUpsert(input: {
    shopToken: string;
    resource: SyncResource;
    ids: string[];
    priority: 'mandatory' | 'optional';
  }): Promise<{ fetched: number; tombstoned: number; quarantined?: number }>;
  /** Quarantined (poison) ids of the shop fetched again: released when they work now. */
  retryQuarantined(input: {
    shopToken: string;
    priority: 'mandatory' | 'optional';
  }): Promise<{ retried: number; released: number; stillQuarantined: number }>;
  /** Writes pending ids to MongoDB (continue-as-new above the threshold); `seq` orders the batches. */
  spillPending(input: { shopToken: string; docs: Array<{ seq: number; batch: WebhookBatch }> }): Promise<{ written: number }>;
  /** Processes the oldest spilled batch like a flush and removes it. */
  drainSpilledPending(input: { shopToken: string; priority: 'mandatory' | 'optional' }): Promise<{
    drainedIds: number;
    remainingDocs: number;
    remainingIds: number;
    fetched: number;
    tombstoned: number;
    refetch?: Partial<Record<SyncResource, string[]>>;
  }>;
  applyTombstones(input: {
    shopToken: string;
    resource: SyncResource;
    deletes: Array<{ id: string; time: string }>;
  }): Promise<{ tombstoned: number; refetch?: Partial<Record<SyncResource, string[]>> }>;
  checkWebhookHealth(input: {
    shopToken: string;
  }): Promise<{ healthy: boolean; repaired: number; inactiveFound: number; missingFound: number }>;
  catchUp(input: { shopToken: string; since: string; priority: 'mandatory' | 'optional' }): Promise<{ records: number }>;
  applyVersionChange(input: { shopToken: string; fromVersion: number; toVersion: number }): Promise<{ resourcesToSync: SyncResource[] }>;
  executeBackSync(input: { shopToken: string; request: BackSyncRequest }): Promise<BackSyncResult>;
  /** After a flush: the flush-lag metric and the shop's newest webhook (src/db/shop-sync-notes.ts). */
  noteShopSync(input: { shopToken: string; lastWebhookAt: string | null; lastFlushAt: string | null }): Promise<void>;
}

/** The uninstall workflow's activities (workflows/uninstall.ts). */
export interface UninstallActivities {
  stopShopWorkflow(input: { shopToken: string }): Promise<void>;
  purgeShopData(input: { shopToken: string; uninstalledAt: string }): Promise<{ purged: boolean; records: number }>;
}

/** The health-check workflow's activity, used by the smoke test and operators. */
export interface HealthCheckActivities {
  writeAndReadBack(input: { key: string; value: string }): Promise<string>;
}

/** One delivery step of workflows/vendor-events.ts: read the next page of the change feed and POST it. */
export type VendorEventsDeliveryResult =
  /** The shop is erased (purged after uninstall): nothing left to deliver. */
  | { outcome: 'gone' }
  | {
      outcome: 'delivered' | 'nothing-new';
      /** The position acknowledged now (after the posted page, or the committed end). */
      next: ChangeFeedPosition;
      events: number;
      hasMore: boolean;
      /** The shop is uninstalled: when caught up, the workflow ends (a reinstall's first write starts it again). */
      uninstalled: boolean;
    };

/** The vendor-events workflow's activity (workflows/vendor-events.ts). Records never pass through the workflow. */
export interface VendorEventsActivities {
  /** `after` null: resume from the position stored in vendor_event_deliveries (a new run after an earlier one ended). */
  deliverVendorEvents(input: { shopToken: string; after: ChangeFeedPosition | null }): Promise<VendorEventsDeliveryResult>;
}

/** Everything the worker registers (activities/index.ts). */
export type AllActivities = InstallActivities & ShopSyncActivities & UninstallActivities & HealthCheckActivities & VendorEventsActivities;
