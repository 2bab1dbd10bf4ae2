// What the shop workflow's steps do to its state (issue 15.3): the inputs they send to activities and what
// their results change (initial sync, flush, reconciliation, version change, spill and drain of pending ids).
// Pure and in place like shop-sync-machine.ts; the activity calls themselves are in workflows/shop-sync-steps.ts.
import type { SyncPagesInput, SyncPagesResult } from '../activity-types.js';
import type { InitialSyncProgress, InstalledSignal, VersionChangeSignal } from '../messages.js';
import { chunk } from './chunk.js';
import {
  addToPending,
  emptyPendingSet,
  pendingCount,
  splitPending,
  type PendingSet,
  type SyncResource,
  type WebhookBatch,
} from './pending-set.js';
import { iso, setPhase, type ShopSyncMachine } from './shop-sync-machine.js';

/** A fetch refused for good (401, 403, budget): the ids wait this long before the next try. */
export const FAILURE_BACKOFF_MS = 10 * 60 * 1000;
/** Margin for clock skew between Upgates and us (`last_update_time_from` is compared on Upgates' clock). */
export const RECONCILE_SKEW_MS = 60 * 1000;
export const SPILL_IDS_PER_DOC = 5000;
export const SPILL_DOCS_PER_ACTIVITY = 1;

type Refetch = Partial<Record<SyncResource, string[]>>;
const asUpdates = (resource: SyncResource, ids: string[]): WebhookBatch => ({
  resource,
  action: 'update',
  items: ids.map((id) => ({ id })),
});

/** The one place an initial sync's progress starts (install, queued sync after a version change). */
export function initialSyncProgress(resources: SyncResource[], now: number, catchUpFrom?: string): InitialSyncProgress {
  return { resources, index: 0, nextPage: 1, totalPages: {}, counts: {}, startedAt: iso(now), ...(catchUpFrom ? { catchUpFrom } : {}) };
}

/** Takes the installed signal for the install step; profile and version apply at once. */
export function takeInstallRequest(m: ShopSyncMachine): InstalledSignal {
  const request = m.installRequest!;
  m.installRequest = null;
  m.state.profile = request.profile;
  m.state.version = request.version;
  return request;
}

/** The plan is known: the initial sync starts (a reinstall within retention catches up from `catchUpFrom`). */
export function startInitialSync(m: ShopSyncMachine, request: InstalledSignal, resources: SyncResource[], now: number): string | null {
  m.state.initialSync = initialSyncProgress(resources, now, request.mode === 'catch-up' ? request.catchUpFrom : undefined);
  return setPhase(m, 'initial-sync');
}

/** The resource the initial sync is on; undefined when the current sync has none left. */
export const initialSyncResource = (m: ShopSyncMachine): SyncResource | undefined => {
  const progress = m.state.initialSync;
  return progress?.resources[progress.index];
};

/**
 * The current sync has no resource left: the next queued one (a version change's new resources) starts, else the
 * shop goes live. Returns the search attribute value to upsert when it went live.
 */
export function finishInitialSync(m: ShopSyncMachine, now: number): { live: false } | { live: true; phase: string | null } {
  const s = m.state;
  if (s.initialSync) s.initialSync.finishedAt ??= iso(now);
  const next = s.queuedInitialSyncs.shift();
  if (next) {
    s.initialSync = initialSyncProgress(next.resources, now, next.catchUpFrom);
    return { live: false };
  }
  return { live: true, phase: setPhase(m, 'live') };
}

/** The code lists from the current resource on, in the sync's order (synced together); empty when it is none. */
export function codeListGroup(m: ShopSyncMachine, codeLists: readonly SyncResource[]): SyncResource[] {
  const progress = m.state.initialSync!;
  const group: SyncResource[] = [];
  for (let i = progress.index; i < progress.resources.length && codeLists.includes(progress.resources[i]!); i++)
    group.push(progress.resources[i]!);
  return group;
}

/** The code lists synced together are done: each counts its records and the sync moves past them. */
export function recordCodeLists(m: ShopSyncMachine, group: SyncResource[], records: Partial<Record<SyncResource, number>>): void {
  for (const resource of group) recordPages(m, resource, { nextPage: null, totalPages: 1, records: records[resource] ?? 0 });
}

/** The next pages of `resource`: orders since the plan's lookback, everything changed since a catch-up's start. */
export function syncPagesInput(m: ShopSyncMachine, resource: SyncResource, lookbackDays: number, maxPages: number): SyncPagesInput {
  const progress = m.state.initialSync!;
  const lookbackFrom = iso(Date.parse(progress.startedAt) - lookbackDays * 24 * 3600 * 1000);
  return {
    shopToken: m.state.shopToken,
    resource,
    fromPage: progress.nextPage,
    maxPages,
    priority: 'mandatory',
    ...(progress.catchUpFrom
      ? { lastUpdateTimeFrom: progress.catchUpFrom }
      : resource === 'orders'
        ? { creationTimeFrom: lookbackFrom }
        : {}),
  };
}

export function recordPages(m: ShopSyncMachine, resource: SyncResource, result: SyncPagesResult): void {
  const progress = m.state.initialSync!;
  progress.counts[resource] = (progress.counts[resource] ?? 0) + result.records;
  progress.totalPages[resource] = result.totalPages;
  if (result.nextPage === null) {
    progress.index++;
    progress.nextPage = 1;
  } else {
    progress.nextPage = result.nextPage;
  }
}

/**
 * The version change was applied. Newly needed resources queue an initial sync of their own, which the next
 * initial-sync step starts (finishInitialSync). Returns the search attribute value to upsert, if any.
 */
export function versionChangeApplied(m: ShopSyncMachine, change: VersionChangeSignal, resourcesToSync: SyncResource[]): string | null {
  const s = m.state;
  s.version = change.toVersion;
  s.pendingVersionChange = null;
  if (!resourcesToSync.length) return null;
  s.queuedInitialSyncs.push({ resources: resourcesToSync });
  return setPhase(m, 'initial-sync');
}

/** One flush: the swapped-out batch, the ids to try again (failed fetches, refetches) and whether a fetch failed. */
export interface Flush {
  batch: PendingSet;
  retry: PendingSet;
  fetchFailed: boolean;
}
export interface FetchPart {
  resource: SyncResource;
  ids: string[];
  /** When the part's first id became pending (kept if the fetch fails). */
  firstSeen: number | undefined;
}

/** Swaps the buffer: ids that arrive while we fetch wait for the next flush. */
export function beginFlush(m: ShopSyncMachine): Flush {
  const batch = m.state.pending;
  m.state.pending = emptyPendingSet();
  m.state.firstPendingAt = null;
  return { batch, retry: emptyPendingSet(), fetchFailed: false };
}

/** Upserts in activity-sized parts, resource by resource. */
export function fetchParts(flush: Flush, idsPerActivity: number): FetchPart[] {
  return (Object.entries(flush.batch.upserts) as Array<[SyncResource, Record<string, number>]>).flatMap(([resource, ids]) =>
    chunk(Object.keys(ids), idsPerActivity).map((part) => ({ resource, ids: part, firstSeen: ids[part[0]!] })),
  );
}
/** Deletes in activity-sized parts, after all upserts. */
export function tombstoneParts(
  flush: Flush,
  idsPerActivity: number,
): Array<{ resource: SyncResource; deletes: Array<{ id: string; time: string }> }> {
  return (Object.entries(flush.batch.deletes) as Array<[SyncResource, Record<string, string>]>).flatMap(([resource, deletes]) =>
    chunk(Object.entries(deletes), idsPerActivity).map((part) => ({ resource, deletes: part.map(([id, time]) => ({ id, time })) })),
  );
}

export function recordFetched(m: ShopSyncMachine, result: { fetched: number; tombstoned: number }): void {
  m.state.stats.fetchedRecords += result.fetched;
  m.state.stats.tombstones += result.tombstoned;
}
/** Non-retryable failure (e.g. access revoked): the ids are kept and the flush backs off; nothing is lost. */
export function recordFetchFailed(flush: Flush, part: FetchPart, now: number): void {
  addToPending(flush.retry, asUpdates(part.resource, part.ids), part.firstSeen ?? now);
  flush.fetchFailed = true;
}
/** A deleted variant means its product changed: the product is fetched in the next flush. */
export function recordTombstones(m: ShopSyncMachine, flush: Flush, result: { tombstoned: number; refetch?: Refetch }, now: number): void {
  m.state.stats.tombstones += result.tombstoned;
  for (const [resource, ids] of Object.entries(result.refetch ?? {}) as Array<[SyncResource, string[]]>)
    if (ids.length) addToPending(flush.retry, asUpdates(resource, ids), now);
}

/** Ids to retry go back to the buffer (after a failure, not before the backoff); the flush is counted. */
export function endFlush(m: ShopSyncMachine, flush: Flush, now: number): void {
  const s = m.state;
  if (pendingCount(flush.retry) > 0) {
    for (const [resource, ids] of Object.entries(flush.retry.upserts) as Array<[SyncResource, Record<string, number>]>)
      addToPending(s.pending, asUpdates(resource, Object.keys(ids)), now);
    s.firstPendingAt ??= now;
    s.lastEventAt = now;
    if (flush.fetchFailed) m.flushBlockedUntil = now + FAILURE_BACKOFF_MS;
  }
  s.stats.flushes++;
  s.lastFlushAt = iso(now);
}

/**
 * A reconciliation's window: the next one starts where this one STARTED (a change made while we catch up is not
 * skipped), less the clock-skew margin.
 */
export function reconcileWindow(m: ShopSyncMachine, now: number): { startedAt: string; windowStart: string } {
  const s = m.state;
  const from = s.lastReconcileAt ?? s.initialSync?.startedAt ?? iso(now - 24 * 3600 * 1000);
  return { startedAt: iso(now), windowStart: iso(Date.parse(from) - RECONCILE_SKEW_MS) };
}

type WebhookHealthResult = { healthy: boolean; repaired: number; inactiveFound: number; missingFound: number };
export function recordWebhookHealth(m: ShopSyncMachine, health: WebhookHealthResult): void {
  m.state.webhookHealth = health.healthy ? 'healthy' : health.repaired > 0 ? 'repaired' : 'failing';
}
/** Incremental catch-up only when webhooks may have missed something, or on "sync now" (optional priority). */
export function catchUpNeeded(
  m: ShopSyncMachine,
  health: WebhookHealthResult,
  windowStart: string,
  priority: 'mandatory' | 'optional',
): boolean {
  const noWebhookInWindow = !m.state.lastWebhookAt || m.state.lastWebhookAt < windowStart;
  return health.inactiveFound > 0 || health.missingFound > 0 || noWebhookInWindow || priority === 'optional';
}
export function reconcileDone(m: ShopSyncMachine, startedAt: string): void {
  m.state.lastReconcileAt = startedAt;
}
export function credentialsReconciled(m: ShopSyncMachine): void {
  m.credentialsChanged = false;
}

/** After a resume that dropped ids: incremental from the oldest dropped one, with the skew margin. */
export const resumeCatchUpSince = (m: ShopSyncMachine): string => iso(Date.parse(m.state.resumeCatchUpFrom!) - RECONCILE_SKEW_MS);
export function resumeCatchUpDone(m: ShopSyncMachine): void {
  m.state.resumeCatchUpFrom = null;
}

/** Moves the pending ids out for spilling, as groups of documents (one group per activity call). */
export function beginSpill(m: ShopSyncMachine): WebhookBatch[][] {
  const toSpill = m.state.pending;
  m.state.pending = emptyPendingSet();
  m.state.spill ??= { docs: 0, ids: 0, nextSeq: 1 };
  return chunk(splitPending(toSpill, SPILL_IDS_PER_DOC), SPILL_DOCS_PER_ACTIVITY);
}
/** Numbers a group's documents (a failed write's numbers are not reused; the drain only needs the order). */
export function numberSpillDocs(m: ShopSyncMachine, group: WebhookBatch[]): Array<{ seq: number; batch: WebhookBatch }> {
  const spill = m.state.spill!;
  return group.map((batch) => ({ seq: spill.nextSeq++, batch }));
}
export function spillWritten(m: ShopSyncMachine, docs: Array<{ batch: WebhookBatch }>): void {
  const spill = m.state.spill!;
  spill.docs += docs.length;
  spill.ids += docs.reduce((n, d) => n + d.batch.items.length, 0);
}
/** What was not written stays in memory (nothing lost); the next continue-as-new spills it again. */
export function spillFailed(m: ShopSyncMachine, unwritten: WebhookBatch[][], now: number): void {
  for (const group of unwritten) for (const batch of group) addToPending(m.state.pending, batch, now);
}

/** One spilled batch was processed like a flush. True when the last one is done (the flush time moves). */
export function drainResult(
  m: ShopSyncMachine,
  result: { remainingDocs: number; remainingIds: number; fetched: number; tombstoned: number; refetch?: Refetch },
  now: number,
): boolean {
  const s = m.state;
  s.spill = { ...s.spill!, docs: result.remainingDocs, ids: result.remainingIds };
  recordFetched(m, result);
  for (const [resource, ids] of Object.entries(result.refetch ?? {}) as Array<[SyncResource, string[]]>)
    if (ids.length) {
      addToPending(s.pending, asUpdates(resource, ids), now);
      s.firstPendingAt ??= now;
      s.lastEventAt = now;
    }
  if (result.remainingDocs !== 0) return false;
  s.lastFlushAt = iso(now);
  return true;
}
/** Non-retryable (e.g. access revoked): the batch stays in MongoDB; back off like a failed flush. */
export function drainFailed(m: ShopSyncMachine, now: number): void {
  m.flushBlockedUntil = now + FAILURE_BACKOFF_MS;
}
