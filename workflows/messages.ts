// Signals, queries and updates, defined once and shared by workflows, routes and tests.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PendingSet, SyncResource, WebhookBatch } from './lib/pending-set.js';

/** What the install callback answers Upgates: `{"error": false}` or `{"error": true, "message"}`. */
export interface InstallAnswer {
  error: boolean;
  message: string;
}
export const installAnswerUpdate = defineUpdate<InstallAnswer>('installAnswer');
export const installStatusQuery = defineQuery<InstallStatus>('installStatus');
export interface InstallStatus {
  step: 'owner' | 'webhooks' | 'conversion-codes' | 'hand-over' | 'done' | 'failed';
  answer: InstallAnswer | null;
}

export type ShopPhase = 'awaiting-install' | 'initial-sync' | 'live' | 'uninstalled';

/** Webhook ids and times only; never record contents or credentials. */
export const webhookSignal = defineSignal<[WebhookBatch[]]>('webhook');

export interface InstalledSignal {
  profile: string;
  version: number;
  /** 'full' on first install; 'catch-up' after a reinstall within retention (data kept). */
  mode: 'full' | 'catch-up';
  /** For catch-up: ISO time from which to ask `last_update_time_from`. */
  catchUpFrom?: string;
  /** The shop's claimed reconciliation slot as a fraction of the period (absent: the token's hash decides). */
  reconcileSlotFraction?: number;
}
export const installedSignal = defineSignal<[InstalledSignal]>('installed');
export const uninstallSignal = defineSignal('uninstall');
/**
 * A repeated activation brought new API credentials. Upgates binds webhooks (and conversion codes) to the API
 * user, so the old user's webhooks may be gone: the shop workflow re-checks them and catches up.
 */
export const credentialsChangedSignal = defineSignal('credentialsChanged');
export interface VersionChangeSignal {
  fromVersion: number;
  toVersion: number;
}
export const versionChangeSignal = defineSignal<[VersionChangeSignal]>('versionChange');

/**
 * The vendor suspended or resumed the service (PUT /api/vendor/shops/:token/service). While suspended the shop
 * workflow keeps webhook ids (bounded) but makes no Upgates call; resumed, it catches up what changed meanwhile.
 */
export interface ServiceStateSignal {
  state: 'suspended' | 'active';
  reason: string | null;
  /** ISO time the suspension started (kept from the first suspend when suspended again). */
  since: string;
}
export const serviceStateSignal = defineSignal<[ServiceStateSignal]>('serviceState');

/** The shop workflow's view of a suspension, as plain JSON (it crosses continue-as-new). */
export interface ServiceSuspensionState {
  reason: string | null;
  since: string;
  /** Webhook ids dropped because too many arrived while suspended: the resume catches up incrementally instead. */
  droppedIds: number;
  /** ISO time the resume's catch-up starts from: the suspension or the oldest id dropped, whichever is earlier. */
  catchUpFrom?: string;
}

export type SyncNowResult =
  | { accepted: true }
  | { accepted: false; reason: 'running' | 'cooldown' | 'not-live'; retryAfterSeconds: number }
  | { accepted: false; reason: 'suspended'; retryAfterSeconds: number; message: string | null };
export const syncNowUpdate = defineUpdate<SyncNowResult>('syncNow');

/** A write back to Upgates requested by the vendor's system; executed in order by the shop workflow. */
export interface BackSyncRequest {
  action: string;
  items: Array<Record<string, unknown>>;
  options?: Record<string, unknown>;
}
export interface BackSyncResult {
  ok: boolean;
  results: Array<Record<string, unknown>>;
  message?: string;
}
export const backSyncUpdate = defineUpdate<BackSyncResult, [BackSyncRequest]>('backSync');

export interface InitialSyncProgress {
  resources: SyncResource[];
  /** Index into `resources` of the one being synced. */
  index: number;
  nextPage: number;
  totalPages: Record<string, number>;
  counts: Record<string, number>;
  startedAt: string;
  catchUpFrom?: string;
  finishedAt?: string;
}

export interface ShopSyncState {
  shopToken: string;
  profile: string;
  version: number;
  phase: ShopPhase;
  pending: PendingSet;
  firstPendingAt: number | null;
  lastEventAt: number | null;
  initialSync: InitialSyncProgress | null;
  queuedInitialSyncs: Array<{ resources: SyncResource[]; catchUpFrom?: string }>;
  pendingVersionChange: VersionChangeSignal | null;
  lastFlushAt: string | null;
  lastReconcileAt: string | null;
  lastWebhookAt: string | null;
  lastSyncNowAt: number | null;
  webhookHealth: 'unknown' | 'healthy' | 'repaired' | 'failing';
  stats: { events: number; flushes: number; fetchedRecords: number; tombstones: number; runs: number };
  /** Set while the vendor has the service suspended (absent in states from before the feature). */
  suspension?: ServiceSuspensionState | null;
  /** Resumed after ids were dropped: incremental catch-up from this ISO time before normal operation. */
  resumeCatchUpFrom?: string | null;
  /**
   * Pending ids spilled to MongoDB at a continue-as-new above the threshold (issue 16.2): only counts travel in
   * the input; `nextSeq` numbers the next batch. Absent in states from before the spill existed.
   */
  spill?: { docs: number; ids: number; nextSeq: number };
  /** Reconciliation slot claimed at install (issue 18.4), a fraction of the period; absent: the token's hash. */
  reconcileSlotFraction?: number;
}

export const shopStateQuery = defineQuery<ShopStatusView>('shopState');
export interface ShopStatusView {
  phase: ShopPhase;
  profile: string;
  version: number;
  /** Pending ids per resource; `spilled` counts those waiting in MongoDB (issue 16.2). */
  pendingCounts: Record<string, number>;
  initialSync: InitialSyncProgress | null;
  lastFlushAt: string | null;
  lastReconcileAt: string | null;
  lastWebhookAt: string | null;
  nextReconcileAt: string;
  webhookHealth: ShopSyncState['webhookHealth'];
  syncNowRunning: boolean;
  syncNowAvailableInSeconds: number;
  stats: ShopSyncState['stats'];
  /** Null when the service is active. */
  suspension?: ServiceSuspensionState | null;
}

/** A position of the change feed (src/db/change-feed.ts FeedPosition), as plain JSON in workflow state. */
export interface ChangeFeedPosition {
  s: number;
  r?: string;
  i?: string;
}

/** vendor-events:<token>: a write to the shop's mirror committed; read the change feed again (a nudge, may be lost). */
export const changesCommittedSignal = defineSignal('changesCommitted');

/** What the vendor-events workflow knows: where the vendor acknowledged up to, and whether a batch is waiting. */
export interface VendorEventsStatusView {
  shopToken: string;
  /** The last acknowledged position (null: nothing read yet in this run). */
  acked: ChangeFeedPosition | null;
  /** Events and batches acknowledged by the vendor since the workflow started (carried over continue-as-new). */
  delivered: number;
  batches: number;
  /** ISO time the current read-and-post began; while the endpoint fails it stays (Temporal retries it), so an old value means failing since then. Null when idle. */
  pendingSince: string | null;
  lastDeliveredAt: string | null;
  /** Read to the committed end and waiting for a nudge or the idle check. */
  caughtUp: boolean;
  /** While the endpoint fails (reported by the failing attempts, see vendorEventsFailureSignal); null once a batch is acknowledged. */
  failingSince: string | null;
  lastError: string | null;
  attempts: number;
}

/**
 * A delivery attempt failed (sent by the activity itself: Temporal's retries of an activity are invisible to its
 * workflow). Sent for the first attempts and then every 30th, so a long outage adds a few events an hour at most.
 */
export interface VendorEventsFailure {
  error: string;
  attempt: number;
  at: string;
}
export const vendorEventsFailureSignal = defineSignal<[VendorEventsFailure]>('deliveryFailed');
export const vendorEventsStatusQuery = defineQuery<VendorEventsStatusView>('vendorEventsStatus');
