// The shop workflow's steps that call activities (issue 15.3): each asks the pure modules in lib/ what to send
// and what the result changes, and issues the commands (activities, timers, search attributes) in the order
// the recorded histories hold (test/replay). Only workflows/shop-sync.ts's main loop calls them.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ShopSyncActivities } from './activity-types.js';
import type { ShopPhase } from './messages.js';
import {
  onUninstall,
  setPhase,
  type BackSyncEntry,
  type InitialSyncPlan,
  type ShopSyncMachine,
  type ShopSyncSettings,
} from './lib/shop-sync-machine.js';
import type { SyncResource } from './lib/pending-set.js';
import {
  beginFlush,
  beginSpill,
  catchUpNeeded,
  codeListGroup,
  drainFailed,
  drainResult,
  endFlush,
  fetchParts,
  finishInitialSync,
  initialSyncResource,
  numberSpillDocs,
  reconcileDone,
  reconcileWindow,
  recordFetched,
  recordFetchFailed,
  recordCodeLists,
  recordPages,
  recordTombstones,
  recordWebhookHealth,
  resumeCatchUpDone,
  resumeCatchUpSince,
  spillFailed,
  spillWritten,
  syncPagesInput,
  tombstoneParts,
  versionChangeApplied,
} from './lib/shop-sync-results.js';
import { debounceDueAt, debounceInterrupted, STEP_RETRY_MS } from './lib/shop-sync-schedule.js';
import { LastSyncAt, SyncPhase } from './search-attributes.js';

export const api = proxyActivities<ShopSyncActivities>({
  startToCloseTimeout: '10 minutes',
  // Short, so a crashed worker's activity is retried elsewhere within seconds (activities heartbeat per page).
  heartbeatTimeout: '45 seconds',
  // Retries are Temporal's job: transient Upgates/database faults retry with backoff (429 sets its own
  // delay from Retry-After); credential and permission errors are non-retryable and handled below.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// Short steps (plan, note, spill): a 1-minute timeout and no heartbeat. Ordinary activities, not local ones.
export const shortApi = proxyActivities<ShopSyncActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The shop is uninstalled or gone (the activity says so): end by ourselves instead of retrying forever, even
 * when the uninstall signal never came (Temporal was down at the uninstall). Patched: older histories retried.
 */
export function shopGone(error: ActivityFailure): boolean {
  const type = error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
  return (type === 'ShopUninstalled' || type === 'UnknownShop') && patched('end-when-shop-gone');
}

export function applyPhase(m: ShopSyncMachine, phase: ShopPhase): void {
  const visible = setPhase(m, phase);
  if (visible !== null) upsertSearchAttributes([{ key: SyncPhase, value: visible }]);
}
const upsertPhase = (visible: string | null) => {
  if (visible !== null) upsertSearchAttributes([{ key: SyncPhase, value: visible }]);
};
const noteShopSync = (m: ShopSyncMachine) =>
  shortApi.noteShopSync({ shopToken: m.state.shopToken, lastWebhookAt: m.state.lastWebhookAt, lastFlushAt: m.state.lastFlushAt });
const activityMessage = (error: unknown) => {
  if (!(error instanceof ActivityFailure)) throw error;
  return error.cause?.message;
};

export async function initialSyncStep(m: ShopSyncMachine, settings: ShopSyncSettings): Promise<void> {
  const shopToken = m.state.shopToken;
  const resource = initialSyncResource(m);
  if (resource === undefined) {
    const finished = finishInitialSync(m, Date.now());
    if (!finished.live) return;
    upsertPhase(finished.phase);
    await noteShopSync(m);
    return;
  }
  // Patched: older histories planned before every step and synced each code list on its own.
  if (!patched('initial-sync-plan-once')) {
    const plan = await shortApi.planInitialSync({ shopToken, onlyResources: [resource] });
    const result = await api.syncPages(syncPagesInput(m, resource, plan.lookbackDays, settings.pagesPerActivity));
    recordPages(m, resource, result);
    return;
  }
  const plan = await initialSyncPlan(m);
  const codeLists = codeListGroup(m, plan.codeLists);
  if (codeLists.length) {
    const progress = m.state.initialSync!;
    const result = await api.syncCodeLists({ shopToken, resources: codeLists, priority: 'mandatory', expectNew: !progress.catchUpFrom });
    recordCodeLists(m, codeLists, result.records);
    return;
  }
  recordPages(m, resource, await api.syncPages(syncPagesInput(m, resource, plan.lookbackDays, settings.pagesPerActivity)));
}

/** The current sync's plan: the install's (kept by handleInstall), else taken once per sync and run. */
async function initialSyncPlan(m: ShopSyncMachine): Promise<InitialSyncPlan> {
  const progress = m.state.initialSync!;
  if (m.initialSyncPlan?.startedAt === progress.startedAt) return m.initialSyncPlan;
  const plan = await shortApi.planInitialSync({ shopToken: m.state.shopToken, onlyResources: progress.resources });
  return keepInitialSyncPlan(m, plan);
}

/** Keeps a plan for the sync in progress (a worker older than syncCodeLists names no code lists). */
export function keepInitialSyncPlan(m: ShopSyncMachine, plan: { lookbackDays: number; codeLists?: SyncResource[] }): InitialSyncPlan {
  m.initialSyncPlan = { startedAt: m.state.initialSync!.startedAt, lookbackDays: plan.lookbackDays, codeLists: plan.codeLists ?? [] };
  return m.initialSyncPlan;
}

export async function catchUpAfterSuspension(m: ShopSyncMachine): Promise<void> {
  // Incremental (`last_update_time_from`), with the reconciliation's margin for clock skew.
  await api.catchUp({ shopToken: m.state.shopToken, since: resumeCatchUpSince(m), priority: 'mandatory' });
  resumeCatchUpDone(m);
}

export async function runBackSync(m: ShopSyncMachine, entry: BackSyncEntry): Promise<void> {
  try {
    entry.result = await api.executeBackSync({ shopToken: m.state.shopToken, request: entry.request });
  } catch (error) {
    entry.result = {
      ok: false,
      results: [],
      message: error instanceof ActivityFailure ? (error.cause?.message ?? 'failed') : String(error),
    };
  }
}

export async function applyVersionChange(m: ShopSyncMachine): Promise<void> {
  const change = m.state.pendingVersionChange!;
  const result = await api.applyVersionChange({ shopToken: m.state.shopToken, ...change });
  upsertPhase(versionChangeApplied(m, change, result.resourcesToSync));
}

export async function debounce(m: ShopSyncMachine, settings: ShopSyncSettings): Promise<void> {
  while (!m.uninstallRequested) {
    const now = Date.now();
    const due = debounceDueAt(m, settings, now);
    if (now >= due) return;
    const seen = m.state.lastEventAt;
    await condition(() => m.uninstallRequested || m.state.lastEventAt !== seen || debounceInterrupted(m), due - now);
    if (debounceInterrupted(m)) return;
  }
}

export async function flush(m: ShopSyncMachine, settings: ShopSyncSettings): Promise<void> {
  const shopToken = m.state.shopToken;
  const batch = beginFlush(m);
  for (const part of fetchParts(batch, settings.idsPerActivity)) {
    try {
      recordFetched(m, await api.fetchAndUpsert({ shopToken, resource: part.resource, ids: part.ids, priority: 'mandatory' }));
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      if (shopGone(error)) onUninstall(m);
      log.warn('fetch failed; ids kept for a later flush', { resource: part.resource, ids: part.ids.length, error: error.cause?.message });
      recordFetchFailed(batch, part, Date.now());
    }
  }
  for (const part of tombstoneParts(batch, settings.idsPerActivity)) {
    // Not `shortApi`: up to idsPerActivity writes can outlast its 1-minute timeout on a slow store; this one heartbeats.
    recordTombstones(m, batch, await api.applyTombstones({ shopToken, ...part }), Date.now());
  }
  endFlush(m, batch, Date.now());
  upsertSearchAttributes([{ key: LastSyncAt, value: new Date(Date.now()) }]);
  await noteShopSync(m);
}

export async function reconcile(m: ShopSyncMachine, priority: 'mandatory' | 'optional'): Promise<void> {
  const shopToken = m.state.shopToken;
  const { startedAt, windowStart } = reconcileWindow(m, Date.now());
  const health = await api.checkWebhookHealth({ shopToken });
  recordWebhookHealth(m, health);
  if (catchUpNeeded(m, health, windowStart, priority)) {
    // Incremental only (`last_update_time_from`), never a blind full download.
    try {
      await api.catchUp({ shopToken, since: windowStart, priority });
    } catch (error) {
      log.warn('catch-up refused or failed', { error: activityMessage(error) });
    }
  }
  // Poison records (issue 16.1) get another chance once a day and on "sync now"; the activity reads them from
  // MongoDB (no ids in workflow state) and does nothing when there are none.
  if (patched('quarantine-retry')) {
    try {
      await api.retryQuarantined({ shopToken, priority });
    } catch (error) {
      log.warn('quarantine retry refused or failed', { error: activityMessage(error) });
    }
  }
  reconcileDone(m, startedAt);
}

/** Moves the pending ids to MongoDB in numbered batches; ids arriving meanwhile stay in memory (newer). */
export async function spillPendingIds(m: ShopSyncMachine): Promise<void> {
  const groups = beginSpill(m);
  for (let i = 0; i < groups.length; i++) {
    const docs = numberSpillDocs(m, groups[i]!);
    try {
      await shortApi.spillPending({ shopToken: m.state.shopToken, docs });
    } catch (error) {
      const message = activityMessage(error);
      spillFailed(m, groups.slice(i), Date.now());
      log.warn('spilling pending ids failed; kept in memory', { error: message });
      await condition(() => m.uninstallRequested, STEP_RETRY_MS);
      return;
    }
    spillWritten(m, docs);
  }
}

/** One spilled batch per main-loop step, so continue-as-new and other work can come in between. */
export async function drainSpillStep(m: ShopSyncMachine): Promise<void> {
  try {
    const result = await api.drainSpilledPending({ shopToken: m.state.shopToken, priority: 'mandatory' });
    if (drainResult(m, result, Date.now())) upsertSearchAttributes([{ key: LastSyncAt, value: new Date(Date.now()) }]);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    if (shopGone(error)) return onUninstall(m);
    log.warn('spilled batch failed; kept for later', { error: error.cause?.message });
    drainFailed(m, Date.now());
  }
}
