// The shop workflow's state and what its signals, updates and queries do to it (issue 15.3). Deterministic and
// free of Temporal: time comes in as `now` (ms), nothing is awaited, nothing is logged. Transitions change the
// machine they are given in place rather than returning copies: the pending set can hold 200,000 ids, and a
// copy per webhook signal would cost O(pending ids) each time. The workflow (workflows/shop-sync.ts) issues the
// commands a transition asks for (search attribute upserts, activity calls); the steps' results are in
// shop-sync-results.ts, the main loop's order of work in shop-sync-schedule.ts.
import type {
  BackSyncRequest,
  BackSyncResult,
  InstalledSignal,
  ShopPhase,
  ShopStatusView,
  ShopSyncState,
  SyncNowResult,
  VersionChangeSignal,
} from '../messages.js';
import { addToPending, countsByResource, emptyPendingSet, pendingCount, type SyncResource, type WebhookBatch } from './pending-set.js';
import { nextReconcileAt } from './shop-offset.js';
import { boundSuspendedPending, SUSPENDED_MAX_IDS } from './suspension.js';

export interface ShopSyncSettings {
  quietMs: number;
  maxWaitMs: number;
  syncNowCooldownMs: number;
  /** Ids per fetch activity (each activity fetches them 100 per API call). */
  idsPerActivity: number;
  /** Pages per initial-sync activity. */
  pagesPerActivity: number;
  /**
   * Reconciliation period; default one day (at a per-shop time of day). Shorter periods keep the per-shop
   * offset within the period, for tests and for operators who want a tighter safety net.
   */
  reconcilePeriodMs?: number;
  /** Test hook: continue-as-new past this many history events even if the server does not suggest it. */
  maxHistoryEvents?: number;
  /** Above this many pending ids, continue-as-new spills them to MongoDB (default SPILL_THRESHOLD). */
  spillThreshold?: number;
  /** Webhook ids kept while the service is suspended; past it they are dropped for a catch-up from the suspension. */
  suspendedMaxIds?: number;
}

/** A back-sync write waiting for its turn; the update handler waits until `result` is set. */
export interface BackSyncEntry {
  request: BackSyncRequest;
  result?: BackSyncResult;
}

/**
 * One run of the shop workflow: `state` crosses continue-as-new, the rest is run-local (a continue-as-new waits
 * until those are idle, see mayContinueAsNew).
 */
export interface ShopSyncMachine {
  state: ShopSyncState;
  uninstallRequested: boolean;
  installRequest: InstalledSignal | null;
  syncNowRequested: boolean;
  syncNowRunning: boolean;
  credentialsChanged: boolean;
  /** Workflow ms before which no flush or spill drain runs (after a fetch failed for good). */
  flushBlockedUntil: number;
  backSyncQueue: BackSyncEntry[];
  /** The plan of the initial sync in progress (which one: its startedAt), taken once per sync and run. */
  initialSyncPlan: InitialSyncPlan | null;
}

export interface InitialSyncPlan {
  startedAt: string;
  lookbackDays: number;
  codeLists: SyncResource[];
}

export const SERVICE_SUSPENDED = 'service suspended';
export const DAY_MS = 24 * 3600 * 1000;
export const iso = (ms: number) => new Date(ms).toISOString();

export function initialShopState(shopToken: string): ShopSyncState {
  return {
    shopToken,
    profile: '',
    version: 0,
    phase: 'awaiting-install',
    pending: emptyPendingSet(),
    firstPendingAt: null,
    lastEventAt: null,
    initialSync: null,
    queuedInitialSyncs: [],
    pendingVersionChange: null,
    lastFlushAt: null,
    lastReconcileAt: null,
    lastWebhookAt: null,
    lastSyncNowAt: null,
    webhookHealth: 'unknown',
    stats: { events: 0, flushes: 0, fetchedRecords: 0, tombstones: 0, runs: 0 },
  };
}

/** A new run: the carried state (continue-as-new) or a fresh one, with idle run-local flags. */
export function startRun(shopToken: string, carried?: ShopSyncState): ShopSyncMachine {
  const state = carried ?? initialShopState(shopToken);
  state.stats.runs++;
  return {
    state,
    uninstallRequested: false,
    installRequest: null,
    syncNowRequested: false,
    syncNowRunning: false,
    credentialsChanged: false,
    flushBlockedUntil: 0,
    backSyncQueue: [],
    initialSyncPlan: null,
  };
}

export const isLive = (m: ShopSyncMachine) => m.state.phase === 'live';
export const hasPending = (m: ShopSyncMachine) => pendingCount(m.state.pending) > 0;
/** Spilled batches wait in MongoDB (drained oldest first, before the newer ids held in memory). */
export const hasSpilled = (m: ShopSyncMachine) => (m.state.spill?.docs ?? 0) > 0;

/** The `SyncPhase` search attribute: 'suspended' hides the phase while the vendor has the service suspended. */
export const visiblePhase = (s: ShopSyncState): string => (s.suspension && s.phase !== 'uninstalled' ? 'suspended' : s.phase);

/** Returns the search attribute value to upsert, or null when the phase did not change. */
export function setPhase(m: ShopSyncMachine, phase: ShopPhase): string | null {
  if (m.state.phase === phase) return null;
  m.state.phase = phase;
  return visiblePhase(m.state);
}

/** Webhook ids (synchronous signal). Returns how many ids a suspension's bound dropped. */
export function onWebhookBatches(m: ShopSyncMachine, batches: WebhookBatch[], now: number, settings: ShopSyncSettings): number {
  const s = m.state;
  for (const batch of batches) s.stats.events += addToPending(s.pending, batch, now);
  const dropped = s.suspension ? keepSuspendedPendingBounded(m, settings) : 0;
  s.lastEventAt = now;
  s.firstPendingAt ??= now;
  s.lastWebhookAt = iso(now);
  return dropped;
}

const keepSuspendedPendingBounded = (m: ShopSyncMachine, settings: ShopSyncSettings) =>
  boundSuspendedPending(m.state, settings.suspendedMaxIds ?? SUSPENDED_MAX_IDS);

export function onInstalled(m: ShopSyncMachine, signal: InstalledSignal): void {
  m.installRequest = signal;
  // State only (no command), so histories from before slots were claimed replay unchanged.
  if (signal.reconcileSlotFraction !== undefined) m.state.reconcileSlotFraction = signal.reconcileSlotFraction;
}
export function onCredentialsChanged(m: ShopSyncMachine): void {
  m.credentialsChanged = true;
}
export function onUninstall(m: ShopSyncMachine): void {
  m.uninstallRequested = true;
}
/** A newer signal replaces one not applied yet (the activity applies the diff of the two manifests). */
export function onVersionChange(m: ShopSyncMachine, signal: VersionChangeSignal): void {
  m.state.pendingVersionChange = signal;
}

/**
 * The vendor suspended the service. Null when it already was (only the reason changes; the catch-up still starts
 * at the original suspension); else how many pending ids the bound dropped.
 */
export function suspend(m: ShopSyncMachine, reason: string | null, since: string, settings: ShopSyncSettings): { dropped: number } | null {
  const s = m.state;
  if (s.suspension) {
    s.suspension.reason = reason;
    return null;
  }
  s.suspension = { reason, since, droppedIds: 0 };
  // Nothing runs until the resume: queued writes and a requested sync now are answered/cancelled now.
  m.syncNowRequested = false;
  refuseQueuedBackSyncs(m, SERVICE_SUSPENDED);
  return { dropped: keepSuspendedPendingBounded(m, settings) };
}

/** The vendor resumed the service. Null when it was not suspended. */
export function resume(m: ShopSyncMachine): { droppedIds: number; catchUpFrom: string | null } | null {
  // A failure backoff from calls refused during the suspension must not delay the catch-up.
  m.flushBlockedUntil = 0;
  const s = m.state;
  if (!s.suspension) return null;
  const { droppedIds, catchUpFrom } = s.suspension;
  s.suspension = null;
  // Kept ids flush as usual (their max wait is long past); dropped ones come back by an incremental catch-up.
  if (droppedIds > 0 && catchUpFrom)
    s.resumeCatchUpFrom = s.resumeCatchUpFrom && s.resumeCatchUpFrom < catchUpFrom ? s.resumeCatchUpFrom : catchUpFrom;
  return { droppedIds, catchUpFrom: s.resumeCatchUpFrom ?? null };
}

/** "Sync now": single-flight and a cooldown; accepted requests run at the loop's next step. */
export function decideSyncNow(m: ShopSyncMachine, settings: ShopSyncSettings, now: number): SyncNowResult {
  const s = m.state;
  if (s.suspension) return { accepted: false, reason: 'suspended', retryAfterSeconds: 3600, message: s.suspension.reason };
  if (s.phase !== 'live') return { accepted: false, reason: 'not-live', retryAfterSeconds: 60 };
  if (m.syncNowRequested || m.syncNowRunning) return { accepted: false, reason: 'running', retryAfterSeconds: 30 };
  const readyAt = syncNowReadyAt(m, settings);
  if (now < readyAt) return { accepted: false, reason: 'cooldown', retryAfterSeconds: Math.ceil((readyAt - now) / 1000) };
  m.syncNowRequested = true;
  s.lastSyncNowAt = now;
  return { accepted: true };
}
const syncNowReadyAt = (m: ShopSyncMachine, settings: ShopSyncSettings) =>
  (m.state.lastSyncNowAt ?? -Infinity) + settings.syncNowCooldownMs;

export function beginSyncNow(m: ShopSyncMachine): void {
  m.syncNowRequested = false;
  m.syncNowRunning = true;
}
export function endSyncNow(m: ShopSyncMachine): void {
  m.syncNowRunning = false;
}

/** A back-sync write: refused at once (suspended, not live, uninstalling) or queued for the loop. */
export function decideBackSync(m: ShopSyncMachine, request: BackSyncRequest): { refused: BackSyncResult } | { queued: BackSyncEntry } {
  const s = m.state;
  if (s.suspension) return { refused: { ok: false, results: [], message: SERVICE_SUSPENDED } };
  if (s.phase !== 'live' || m.uninstallRequested)
    return { refused: { ok: false, results: [], message: `shop is ${m.uninstallRequested ? 'uninstalling' : s.phase}` } };
  const entry: BackSyncEntry = { request };
  m.backSyncQueue.push(entry);
  return { queued: entry };
}
export const takeBackSync = (m: ShopSyncMachine): BackSyncEntry => m.backSyncQueue.shift()!;

/** Answers every queued write with `message` (suspension, uninstall) so no update handler hangs. */
export function refuseQueuedBackSyncs(m: ShopSyncMachine, message: string): void {
  for (const entry of m.backSyncQueue.splice(0)) entry.result = { ok: false, results: [], message };
}

/** The next daily reconciliation (per-shop slot), after the last one or, before any, after the initial sync. */
export function reconcileDueAt(m: ShopSyncMachine, settings: ShopSyncSettings, now: number): number {
  const s = m.state;
  const anchor = s.lastReconcileAt ? Date.parse(s.lastReconcileAt) : Date.parse(s.initialSync?.finishedAt ?? iso(now));
  return nextReconcileAt(s.shopToken, anchor, settings.reconcilePeriodMs, s.reconcileSlotFraction);
}

/** The `shopState` query. */
export function statusView(m: ShopSyncMachine, settings: ShopSyncSettings, now: number): ShopStatusView {
  const s = m.state;
  return {
    phase: s.phase,
    profile: s.profile,
    version: s.version,
    pendingCounts: { ...countsByResource(s.pending), ...(s.spill?.docs ? { spilled: s.spill.ids } : {}) },
    initialSync: s.initialSync,
    lastFlushAt: s.lastFlushAt,
    lastReconcileAt: s.lastReconcileAt,
    lastWebhookAt: s.lastWebhookAt,
    nextReconcileAt: iso(reconcileDueAt(m, settings, now)),
    webhookHealth: s.webhookHealth,
    syncNowRunning: m.syncNowRequested || m.syncNowRunning,
    syncNowAvailableInSeconds: Math.max(0, Math.ceil((syncNowReadyAt(m, settings) - now) / 1000)),
    stats: s.stats,
    suspension: s.suspension ?? null,
  };
}
