// shop:<token> — the long-running workflow that owns one shop's data flow.
// Webhook signals only record ids (synchronous handlers, nothing awaited); the main loop debounces them,
// flushes them through activities (fetch by id lists, guarded upserts), runs the initial sync, the daily
// reconciliation, "sync now" and back-sync writes — one API activity at a time, which is what keeps the
// shop under Upgates' 3-concurrent-requests limit across any number of worker processes.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ShopSyncActivities } from './activity-types.js';
import {
  addToPending,
  chunk,
  countsByResource,
  emptyPendingSet,
  oldestPendingMs,
  pendingCount,
  splitPending,
  type SyncResource,
} from './lib/pending-set.js';
import { boundSuspendedPending, SUSPENDED_MAX_IDS } from './lib/suspension.js';
import { alignToShopGrid, nextReconcileAt } from './lib/shop-offset.js';
import {
  backSyncUpdate,
  credentialsChangedSignal,
  installedSignal,
  serviceStateSignal,
  shopStateQuery,
  syncNowUpdate,
  uninstallSignal,
  versionChangeSignal,
  webhookSignal,
  type BackSyncRequest,
  type BackSyncResult,
  type InstalledSignal,
  type ShopSyncState,
  type ShopStatusView,
  type SyncNowResult,
} from './messages.js';
import { LastSyncAt, SyncPhase } from './search-attributes.js';

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

export interface ShopSyncInput {
  shopToken: string;
  settings: ShopSyncSettings;
  state?: ShopSyncState;
}

const api = proxyActivities<ShopSyncActivities>({
  startToCloseTimeout: '10 minutes',
  // Short, so a crashed worker's activity is retried elsewhere within seconds (activities heartbeat per page).
  heartbeatTimeout: '45 seconds',
  // Retries are Temporal's job: transient Upgates/database faults retry with backoff (429 sets its own
  // delay from Retry-After); credential and permission errors are non-retryable and handled below.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// Short steps (plan, note, spill): a 1-minute timeout and no heartbeat. Ordinary activities, not local ones.
const shortApi = proxyActivities<ShopSyncActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const FAILURE_BACKOFF_MS = 10 * 60 * 1000;
const SERVICE_SUSPENDED = 'service suspended';
const min = (a: string | null | undefined, b: string) => (a && a < b ? a : b);
const RECONCILE_SKEW_MS = 60 * 1000;
const STEP_RETRY_MS = 60 * 1000;
/**
 * Bounded state (issue 16.2): continue-as-new with more pending ids than this writes them to MongoDB first
 * (ids per document, documents per activity call) and carries only counts. 5000 ids are about 120 KB of JSON,
 * so the input stays far below Temporal's 512 KB warning; one activity input is at most 5000 ids too.
 */
const SPILL_THRESHOLD = 5000;
const SPILL_IDS_PER_DOC = 5000;
const SPILL_DOCS_PER_ACTIVITY = 1;

/**
 * The shop is uninstalled or gone (the activity says so): end by ourselves instead of retrying forever, even
 * when the uninstall signal never came (Temporal was down at the uninstall). Patched: older histories retried.
 */
function shopGone(error: ActivityFailure): boolean {
  const type = error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
  return (type === 'ShopUninstalled' || type === 'UnknownShop') && patched('end-when-shop-gone');
}

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

export async function shopSyncWorkflow(input: ShopSyncInput): Promise<{ phase: string; stats: ShopSyncState['stats'] }> {
  const { shopToken, settings } = input;
  const s: ShopSyncState = input.state ?? initialShopState(shopToken);
  s.stats.runs++;
  let uninstallRequested = false;
  let installRequest: InstalledSignal | null = null;
  let syncNowRequested = false;
  let syncNowRunning = false;
  let credentialsChanged = false;
  let flushBlockedUntil = 0;
  const backSyncQueue: Array<{ request: BackSyncRequest; result?: BackSyncResult }> = [];

  // Handlers first, before any await, so signals buffered before this run are delivered to them.
  setHandler(webhookSignal, (batches) => {
    const now = Date.now();
    for (const batch of batches) s.stats.events += addToPending(s.pending, batch, now);
    if (s.suspension) keepSuspendedPendingBounded();
    s.lastEventAt = now;
    s.firstPendingAt ??= now;
    s.lastWebhookAt = new Date(now).toISOString();
  });
  setHandler(installedSignal, (signal) => {
    installRequest = signal;
    // State only (no command), so histories from before slots were claimed replay unchanged.
    if (signal.reconcileSlotFraction !== undefined) s.reconcileSlotFraction = signal.reconcileSlotFraction;
  });
  setHandler(credentialsChangedSignal, () => {
    credentialsChanged = true;
  });
  setHandler(uninstallSignal, () => {
    uninstallRequested = true;
  });
  setHandler(versionChangeSignal, (signal) => {
    s.pendingVersionChange = signal;
  });
  // Service suspension by the vendor (patched: histories from before it never carry this signal).
  setHandler(serviceStateSignal, (signal) => {
    if (!patched('service-suspension')) return;
    if (signal.state === 'suspended') suspendService(signal.reason, signal.since);
    else resumeService();
  });
  setHandler(syncNowUpdate, (): SyncNowResult => {
    const now = Date.now();
    if (s.suspension) return { accepted: false, reason: 'suspended', retryAfterSeconds: 3600, message: s.suspension.reason };
    if (s.phase !== 'live') return { accepted: false, reason: 'not-live', retryAfterSeconds: 60 };
    if (syncNowRequested || syncNowRunning) return { accepted: false, reason: 'running', retryAfterSeconds: 30 };
    const readyAt = (s.lastSyncNowAt ?? -Infinity) + settings.syncNowCooldownMs;
    if (now < readyAt) return { accepted: false, reason: 'cooldown', retryAfterSeconds: Math.ceil((readyAt - now) / 1000) };
    syncNowRequested = true;
    s.lastSyncNowAt = now;
    return { accepted: true };
  });
  setHandler(backSyncUpdate, async (request) => {
    if (s.suspension) return { ok: false, results: [], message: SERVICE_SUSPENDED };
    if (s.phase !== 'live' || uninstallRequested)
      return { ok: false, results: [], message: `shop is ${uninstallRequested ? 'uninstalling' : s.phase}` };
    const entry: { request: BackSyncRequest; result?: BackSyncResult } = { request };
    backSyncQueue.push(entry);
    await condition(() => entry.result !== undefined);
    return entry.result!;
  });
  setHandler(shopStateQuery, (): ShopStatusView => {
    const now = Date.now();
    const readyAt = (s.lastSyncNowAt ?? -Infinity) + settings.syncNowCooldownMs;
    return {
      phase: s.phase,
      profile: s.profile,
      version: s.version,
      pendingCounts: { ...countsByResource(s.pending), ...(s.spill?.docs ? { spilled: s.spill.ids } : {}) },
      initialSync: s.initialSync,
      lastFlushAt: s.lastFlushAt,
      lastReconcileAt: s.lastReconcileAt,
      lastWebhookAt: s.lastWebhookAt,
      nextReconcileAt: new Date(reconcileDueAt()).toISOString(),
      webhookHealth: s.webhookHealth,
      syncNowRunning: syncNowRequested || syncNowRunning,
      syncNowAvailableInSeconds: Math.max(0, Math.ceil((readyAt - now) / 1000)),
      stats: s.stats,
      suspension: s.suspension ?? null,
    };
  });

  function reconcileDueAt(): number {
    const anchor = s.lastReconcileAt
      ? Date.parse(s.lastReconcileAt)
      : Date.parse(s.initialSync?.finishedAt ?? new Date(Date.now()).toISOString());
    return nextReconcileAt(shopToken, anchor, settings.reconcilePeriodMs, s.reconcileSlotFraction);
  }
  const hasPending = () => pendingCount(s.pending) > 0;
  /** Spilled batches wait in MongoDB (drained oldest first, before the newer ids held in memory). */
  const hasSpilled = () => (s.spill?.docs ?? 0) > 0;
  const live = () => s.phase === 'live';
  const workReady = () =>
    installRequest !== null ||
    s.phase === 'initial-sync' ||
    (live() &&
      (backSyncQueue.length > 0 ||
        syncNowRequested ||
        credentialsChanged ||
        s.pendingVersionChange !== null ||
        ((hasPending() || hasSpilled()) && Date.now() >= flushBlockedUntil)));
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (settings.maxHistoryEvents !== undefined && workflowInfo().historyLength > settings.maxHistoryEvents);

  function setPhase(phase: ShopSyncState['phase']) {
    if (s.phase === phase) return;
    s.phase = phase;
    upsertSearchAttributes([{ key: SyncPhase, value: s.suspension && phase !== 'uninstalled' ? 'suspended' : phase }]);
  }

  function suspendService(reason: string | null, since: string) {
    if (s.suspension) {
      s.suspension.reason = reason; // suspended again: new reason, the original start (catch-up from there)
      return;
    }
    s.suspension = { reason, since, droppedIds: 0 };
    // Nothing runs until the resume: queued writes and a requested sync now are answered/cancelled now.
    syncNowRequested = false;
    for (const entry of backSyncQueue.splice(0)) entry.result = { ok: false, results: [], message: SERVICE_SUSPENDED };
    keepSuspendedPendingBounded();
    upsertSearchAttributes([{ key: SyncPhase, value: 'suspended' }]);
    log.info('service suspended: no Upgates calls until resumed', { since });
  }

  function resumeService() {
    // A failure backoff from calls refused during the suspension must not delay the catch-up.
    flushBlockedUntil = 0;
    if (!s.suspension) return;
    const { droppedIds, catchUpFrom } = s.suspension;
    s.suspension = null;
    // Kept ids flush as usual (their max wait is long past); dropped ones come back by an incremental catch-up.
    if (droppedIds > 0 && catchUpFrom) s.resumeCatchUpFrom = min(s.resumeCatchUpFrom, catchUpFrom);
    upsertSearchAttributes([{ key: SyncPhase, value: s.phase }]);
    log.info('service resumed', { droppedIds, catchUpFrom: s.resumeCatchUpFrom ?? null });
  }

  function keepSuspendedPendingBounded() {
    const dropped = boundSuspendedPending(s, settings.suspendedMaxIds ?? SUSPENDED_MAX_IDS);
    if (dropped > 0) log.warn('too many webhook ids while suspended; dropped for a catch-up at resume', { dropped });
  }

  async function catchUpAfterSuspension() {
    const from = s.resumeCatchUpFrom!;
    // Incremental (`last_update_time_from`), with the reconciliation's margin for clock skew.
    await api.catchUp({ shopToken, since: new Date(Date.parse(from) - RECONCILE_SKEW_MS).toISOString(), priority: 'mandatory' });
    s.resumeCatchUpFrom = null;
  }

  async function handleInstall(request: InstalledSignal) {
    s.profile = request.profile;
    s.version = request.version;
    const plan = await shortApi.planInitialSync({ shopToken });
    s.initialSync = {
      resources: plan.resources,
      index: 0,
      nextPage: 1,
      totalPages: {},
      counts: {},
      startedAt: new Date(Date.now()).toISOString(),
      ...(request.mode === 'catch-up' && request.catchUpFrom ? { catchUpFrom: request.catchUpFrom } : {}),
    };
    setPhase('initial-sync');
  }

  async function initialSyncStep() {
    const progress = s.initialSync!;
    const resource = progress.resources[progress.index];
    if (resource === undefined) {
      progress.finishedAt = new Date(Date.now()).toISOString();
      const next = s.queuedInitialSyncs.shift();
      if (next) {
        s.initialSync = {
          resources: next.resources,
          index: 0,
          nextPage: 1,
          totalPages: {},
          counts: {},
          startedAt: new Date(Date.now()).toISOString(),
        };
        return;
      }
      setPhase('live');
      await shortApi.noteShopSync({ shopToken, lastWebhookAt: s.lastWebhookAt, lastFlushAt: s.lastFlushAt });
      return;
    }
    const plan = await shortApi.planInitialSync({ shopToken, onlyResources: [resource] });
    const lookbackFrom = new Date(Date.parse(progress.startedAt) - plan.lookbackDays * 24 * 3600 * 1000).toISOString();
    const result = await api.syncPages({
      shopToken,
      resource,
      fromPage: progress.nextPage,
      maxPages: settings.pagesPerActivity,
      priority: 'mandatory',
      ...(progress.catchUpFrom
        ? { lastUpdateTimeFrom: progress.catchUpFrom }
        : resource === 'orders'
          ? { creationTimeFrom: lookbackFrom }
          : {}),
    });
    progress.counts[resource] = (progress.counts[resource] ?? 0) + result.records;
    progress.totalPages[resource] = result.totalPages;
    if (result.nextPage === null) {
      progress.index++;
      progress.nextPage = 1;
    } else {
      progress.nextPage = result.nextPage;
    }
  }

  async function debounce() {
    while (!uninstallRequested) {
      const now = Date.now();
      const quietDeadline = (s.lastEventAt ?? now) + settings.quietMs;
      const maxDeadline = (oldestPendingMs(s.pending) ?? s.firstPendingAt ?? now) + settings.maxWaitMs;
      const due = alignToShopGrid(Math.min(quietDeadline, maxDeadline), shopToken, settings.quietMs);
      if (now >= due) return;
      const seen = s.lastEventAt;
      await condition(() => uninstallRequested || s.lastEventAt !== seen || backSyncQueue.length > 0 || !!s.suspension, due - now);
      if (backSyncQueue.length > 0 || s.suspension) return;
    }
  }

  async function flush() {
    // Swap the buffer: ids that arrive while we fetch wait for the next flush.
    const batch = s.pending;
    s.pending = emptyPendingSet();
    s.firstPendingAt = null;
    const failed = emptyPendingSet();
    let fetchFailed = false;
    for (const [resource, ids] of Object.entries(batch.upserts) as Array<[SyncResource, Record<string, number>]>) {
      for (const part of chunk(Object.keys(ids), settings.idsPerActivity)) {
        try {
          const result = await api.fetchAndUpsert({ shopToken, resource, ids: part, priority: 'mandatory' });
          s.stats.fetchedRecords += result.fetched;
          s.stats.tombstones += result.tombstoned;
        } catch (error) {
          if (!(error instanceof ActivityFailure)) throw error;
          if (shopGone(error)) uninstallRequested = true;
          // Non-retryable (e.g. access revoked): keep the ids, back off, nothing is lost.
          log.warn('fetch failed; ids kept for a later flush', { resource, ids: part.length, error: error.cause?.message });
          addToPending(failed, { resource, action: 'update', items: part.map((id) => ({ id })) }, ids[part[0]!] ?? Date.now());
          fetchFailed = true;
        }
      }
    }
    for (const [resource, deletes] of Object.entries(batch.deletes) as Array<[SyncResource, Record<string, string>]>) {
      for (const part of chunk(Object.entries(deletes), settings.idsPerActivity)) {
        // Not `shortApi`: up to idsPerActivity writes can outlast its 1-minute timeout on a slow store; this one heartbeats.
        const result = await api.applyTombstones({ shopToken, resource, deletes: part.map(([id, time]) => ({ id, time })) });
        s.stats.tombstones += result.tombstoned;
        // A deleted variant means its product changed: fetch the product in the next flush.
        for (const [refetchResource, ids] of Object.entries(result.refetch ?? {}) as Array<[SyncResource, string[]]>)
          if (ids.length)
            addToPending(failed, { resource: refetchResource, action: 'update', items: ids.map((id) => ({ id })) }, Date.now());
      }
    }
    if (pendingCount(failed) > 0) {
      for (const [resource, ids] of Object.entries(failed.upserts) as Array<[SyncResource, Record<string, number>]>)
        addToPending(s.pending, { resource, action: 'update', items: Object.keys(ids).map((id) => ({ id })) }, Date.now());
      s.firstPendingAt ??= Date.now();
      s.lastEventAt = Date.now();
      if (fetchFailed) flushBlockedUntil = Date.now() + FAILURE_BACKOFF_MS;
    }
    s.stats.flushes++;
    s.lastFlushAt = new Date(Date.now()).toISOString();
    upsertSearchAttributes([{ key: LastSyncAt, value: new Date(Date.now()) }]);
    await shortApi.noteShopSync({ shopToken, lastWebhookAt: s.lastWebhookAt, lastFlushAt: s.lastFlushAt });
  }

  async function reconcile(priority: 'mandatory' | 'optional') {
    // The next window starts where this one STARTED (a change made while we catch up is not skipped), less a
    // margin for clock skew between Upgates and us (`last_update_time_from` is compared on Upgates' clock).
    const startedAt = new Date(Date.now()).toISOString();
    const from = s.lastReconcileAt ?? s.initialSync?.startedAt ?? new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const windowStart = new Date(Date.parse(from) - RECONCILE_SKEW_MS).toISOString();
    const health = await api.checkWebhookHealth({ shopToken });
    s.webhookHealth = health.healthy ? 'healthy' : health.repaired > 0 ? 'repaired' : 'failing';
    const noWebhookInWindow = !s.lastWebhookAt || s.lastWebhookAt < windowStart;
    if (health.inactiveFound > 0 || health.missingFound > 0 || noWebhookInWindow || priority === 'optional') {
      // Incremental only (`last_update_time_from`), never a blind full download.
      try {
        await api.catchUp({ shopToken, since: windowStart, priority });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('catch-up refused or failed', { error: error.cause?.message });
      }
    }
    // Poison records (issue 16.1) get another chance once a day and on "sync now"; the activity reads them from
    // MongoDB (no ids in workflow state) and does nothing when there are none.
    if (patched('quarantine-retry')) {
      try {
        await api.retryQuarantined({ shopToken, priority });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('quarantine retry refused or failed', { error: error.cause?.message });
      }
    }
    s.lastReconcileAt = startedAt;
  }

  /** Moves the pending ids to MongoDB in numbered batches; ids arriving meanwhile stay in memory (newer). */
  async function spillPendingIds() {
    const toSpill = s.pending;
    s.pending = emptyPendingSet();
    const spill = (s.spill ??= { docs: 0, ids: 0, nextSeq: 1 });
    const groups = chunk(splitPending(toSpill, SPILL_IDS_PER_DOC), SPILL_DOCS_PER_ACTIVITY);
    for (let i = 0; i < groups.length; i++) {
      const docs = groups[i]!.map((batch) => ({ seq: spill.nextSeq++, batch }));
      try {
        await shortApi.spillPending({ shopToken, docs });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        // Keep what was not written in memory (nothing lost); the next attempt spills it again.
        for (const group of groups.slice(i)) for (const batch of group) addToPending(s.pending, batch, Date.now());
        log.warn('spilling pending ids failed; kept in memory', { error: error.cause?.message });
        await condition(() => uninstallRequested, STEP_RETRY_MS);
        return;
      }
      spill.docs += docs.length;
      spill.ids += docs.reduce((n, d) => n + d.batch.items.length, 0);
    }
  }

  /** One spilled batch per main-loop step, so continue-as-new and other work can come in between. */
  async function drainSpillStep() {
    try {
      const result = await api.drainSpilledPending({ shopToken, priority: 'mandatory' });
      s.spill = { ...s.spill!, docs: result.remainingDocs, ids: result.remainingIds };
      s.stats.fetchedRecords += result.fetched;
      s.stats.tombstones += result.tombstoned;
      for (const [resource, ids] of Object.entries(result.refetch ?? {}) as Array<[SyncResource, string[]]>)
        if (ids.length) {
          addToPending(s.pending, { resource, action: 'update', items: ids.map((id) => ({ id })) }, Date.now());
          s.firstPendingAt ??= Date.now();
          s.lastEventAt = Date.now();
        }
      if (result.remainingDocs === 0) {
        s.lastFlushAt = new Date(Date.now()).toISOString();
        upsertSearchAttributes([{ key: LastSyncAt, value: new Date(Date.now()) }]);
      }
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      if (shopGone(error)) {
        uninstallRequested = true;
        return;
      }
      // Non-retryable (e.g. access revoked): the batch stays in MongoDB; back off like a failed flush.
      log.warn('spilled batch failed; kept for later', { error: error.cause?.message });
      flushBlockedUntil = Date.now() + FAILURE_BACKOFF_MS;
    }
  }

  async function runBackSync(entry: { request: BackSyncRequest; result?: BackSyncResult }) {
    try {
      entry.result = await api.executeBackSync({ shopToken, request: entry.request });
    } catch (error) {
      entry.result = {
        ok: false,
        results: [],
        message: error instanceof ActivityFailure ? (error.cause?.message ?? 'failed') : String(error),
      };
    }
  }

  // Main loop.
  upsertSearchAttributes([{ key: SyncPhase, value: s.suspension ? 'suspended' : s.phase }]);
  for (;;) {
    if (shouldContinueAsNew() && backSyncQueue.length === 0 && !syncNowRequested && !credentialsChanged && installRequest === null) {
      // Wait for all handlers so nothing in flight is dropped; pending ids travel as plain JSON, or, above the
      // threshold, are spilled to MongoDB first (then the loop checks again: work may have come in meanwhile).
      await condition(allHandlersFinished);
      if (pendingCount(s.pending) > (settings.spillThreshold ?? SPILL_THRESHOLD) && patched('spill-pending-set')) {
        await spillPendingIds();
        continue;
      }
      return await continueAsNew<typeof shopSyncWorkflow>({ shopToken, settings, state: s });
    }
    // Suspended: nothing is due (no reconcile timer); the resume signal wakes the loop.
    const suspendedAtWait = Boolean(s.suspension);
    const reconcileAt = live() && !suspendedAtWait ? reconcileDueAt() : Date.now() + 24 * 3600 * 1000;
    const waitMs = Math.max(
      1,
      Math.min(reconcileAt, (hasPending() || hasSpilled()) && flushBlockedUntil > Date.now() ? flushBlockedUntil : Infinity) - Date.now(),
    );
    await condition(
      () =>
        uninstallRequested ||
        (!s.suspension && (workReady() || (live() && !!s.resumeCatchUpFrom))) ||
        Boolean(s.suspension) !== suspendedAtWait ||
        shouldContinueAsNew(),
      waitMs,
    );
    if (uninstallRequested) break;

    try {
      if (s.suspension) {
        // Suspended by the vendor: no Upgates call (no flush, reconcile, sync now, back-sync, initial sync);
        // webhook ids are kept, bounded. A continue-as-new held back by an unfinished request waits for the
        // resume or the uninstall instead of spinning.
        if (shouldContinueAsNew()) await condition(() => uninstallRequested || !s.suspension);
      } else if (installRequest) {
        const request: InstalledSignal = installRequest;
        installRequest = null;
        await handleInstall(request);
      } else if (s.phase === 'initial-sync') {
        await initialSyncStep();
      } else if (!live()) {
        continue;
      } else if (s.resumeCatchUpFrom) {
        await catchUpAfterSuspension();
      } else if (backSyncQueue.length > 0) {
        await runBackSync(backSyncQueue.shift()!);
      } else if (s.pendingVersionChange) {
        const change = s.pendingVersionChange;
        const result = await api.applyVersionChange({ shopToken, ...change });
        s.version = change.toVersion;
        s.pendingVersionChange = null;
        if (result.resourcesToSync.length) {
          s.queuedInitialSyncs.push({ resources: result.resourcesToSync });
          s.initialSync = {
            resources: [],
            index: 0,
            nextPage: 1,
            totalPages: {},
            counts: {},
            startedAt: new Date(Date.now()).toISOString(),
          };
          setPhase('initial-sync');
        }
      } else if (credentialsChanged) {
        // New API user after a repeated activation: its webhooks must exist (re-registered if missing), and
        // changes made while none were registered are caught up incrementally.
        await reconcile('mandatory');
        credentialsChanged = false;
      } else if (syncNowRequested) {
        syncNowRequested = false;
        syncNowRunning = true;
        try {
          await reconcile('optional');
        } finally {
          syncNowRunning = false;
        }
      } else if (Date.now() >= reconcileAt) {
        await reconcile('mandatory');
      } else if (hasSpilled() && Date.now() >= flushBlockedUntil) {
        await drainSpillStep();
      } else if (hasPending() && Date.now() >= flushBlockedUntil) {
        await debounce();
        if (!uninstallRequested && backSyncQueue.length === 0 && !s.suspension) await flush();
      }
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      if (shopGone(error)) break;
      // A step failed for good (e.g. access revoked: the uninstall signal usually arrives right behind the
      // activity's 401, or new credentials are on their way). Never let that fail the shop workflow: wait
      // for the uninstall or new credentials, else retry the step later; its progress is kept in state.
      log.warn('shop workflow step failed; retrying later', { phase: s.phase, error: error.cause?.message });
      await condition(() => uninstallRequested || credentialsChanged, STEP_RETRY_MS);
    }
  }

  // Uninstalled: access is revoked, so pending ids cannot be fetched; end cleanly. Queued back-sync
  // requests get a clear answer instead of hanging.
  for (const entry of backSyncQueue.splice(0)) entry.result = { ok: false, results: [], message: 'shop uninstalled' };
  await condition(allHandlersFinished);
  setPhase('uninstalled');
  return { phase: s.phase, stats: s.stats };
}
