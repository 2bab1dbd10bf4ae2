// The shop workflow's pure state machine (workflows/lib/shop-sync-machine.ts, -schedule.ts, -results.ts):
// every transition with time passed in, no Temporal. The workflow itself runs in
// test/integration/shop-sync-workflow.test.ts and the recorded histories in test/replay.
import { describe, expect, it } from 'vitest';
import type { InstalledSignal } from '../../workflows/messages.js';
import { addToPending, pendingCount } from '../../workflows/lib/pending-set.js';
import { alignToShopGrid } from '../../workflows/lib/shop-offset.js';
import {
  decideBackSync,
  decideSyncNow,
  beginSyncNow,
  endSyncNow,
  onCredentialsChanged,
  onInstalled,
  onUninstall,
  onVersionChange,
  onWebhookBatches,
  reconcileDueAt,
  refuseQueuedBackSyncs,
  resume,
  startRun,
  statusView,
  suspend,
  takeBackSync,
  visiblePhase,
  type ShopSyncMachine,
  type ShopSyncSettings,
} from '../../workflows/lib/shop-sync-machine.js';
import {
  beginFlush,
  beginSpill,
  catchUpNeeded,
  drainFailed,
  drainResult,
  endFlush,
  FAILURE_BACKOFF_MS,
  fetchParts,
  finishInitialSync,
  initialSyncProgress,
  initialSyncResource,
  numberSpillDocs,
  reconcileDone,
  reconcileWindow,
  recordFetched,
  recordFetchFailed,
  recordPages,
  recordTombstones,
  resumeCatchUpSince,
  spillFailed,
  spillWritten,
  startInitialSync,
  syncPagesInput,
  takeInstallRequest,
  tombstoneParts,
  versionChangeApplied,
} from '../../workflows/lib/shop-sync-results.js';
import {
  carryOver,
  continueAsNewWanted,
  debounceDueAt,
  flushMayRun,
  mayContinueAsNew,
  nextStep,
  planWait,
  spillBeforeContinueAsNew,
  wakeUp,
} from '../../workflows/lib/shop-sync-schedule.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const MIN = 60_000;
const settings: ShopSyncSettings = {
  quietMs: 2000,
  maxWaitMs: 30_000,
  syncNowCooldownMs: 5 * MIN,
  idsPerActivity: 2,
  pagesPerActivity: 3,
  reconcilePeriodMs: 24 * 3600_000,
};
const install: InstalledSignal = { profile: 'expedition', version: 1, mode: 'full' };
const ids = (...list: string[]) => list.map((id) => ({ id }));

/** A shop that finished its initial sync at T0 and is live. */
function liveShop(token = 'shop-a'): ShopSyncMachine {
  const m = startRun(token);
  onInstalled(m, install);
  startInitialSync(m, takeInstallRequest(m), ['orders'], T0 - MIN);
  m.state.initialSync!.index = 1;
  expect(finishInitialSync(m, T0)).toEqual({ live: true, phase: 'live' });
  return m;
}
const step = (m: ShopSyncMachine, now: number) => nextStep(m, planWait(m, settings, now), now);

describe('webhook batches', () => {
  it('add ids, count events and start the pending window once', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2') }], T0 + 1000, settings);
    onWebhookBatches(m, [{ resource: 'orders', action: 'delete', items: [{ id: '3', time: 'x' }] }], T0 + 5000, settings);
    expect(pendingCount(m.state.pending)).toBe(3);
    expect(m.state.stats.events).toBe(3);
    expect(m.state.firstPendingAt).toBe(T0 + 1000);
    expect(m.state.lastEventAt).toBe(T0 + 5000);
    expect(m.state.lastWebhookAt).toBe(new Date(T0 + 5000).toISOString());
  });
});

describe('debounce', () => {
  it('is due a quiet period after the last event, on the shop grid', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1') }], T0, settings);
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('2') }], T0 + 1500, settings);
    const due = debounceDueAt(m, settings, T0 + 1600);
    expect(due).toBe(alignToShopGrid(T0 + 1500 + settings.quietMs, 'shop-a', settings.quietMs));
    expect(due).toBeGreaterThanOrEqual(T0 + 3500);
    expect(due).toBeLessThan(T0 + 3500 + settings.quietMs);
  });

  it('a steady stream flushes by the max wait after the oldest id, not never', () => {
    const m = liveShop();
    for (let t = 0; t <= 40_000; t += 1000)
      onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids(String(t)) }], T0 + t, settings);
    expect(debounceDueAt(m, settings, T0 + 40_000)).toBe(alignToShopGrid(T0 + settings.maxWaitMs, 'shop-a', settings.quietMs));
  });

  it('a queued write or a suspension cuts it short; an uninstall stops the flush', () => {
    const m = liveShop();
    expect(flushMayRun(m)).toBe(true);
    decideBackSync(m, { action: 'x', items: [] });
    expect(flushMayRun(m)).toBe(false);
    takeBackSync(m);
    onUninstall(m);
    expect(flushMayRun(m)).toBe(false);
  });
});

describe('flush', () => {
  it('swaps the buffer, splits upserts then deletes into activity-sized parts, counts the flush', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2', '3') }], T0, settings);
    onWebhookBatches(m, [{ resource: 'products', action: 'delete', items: [{ id: 'p', time: 't' }] }], T0, settings);
    const flush = beginFlush(m);
    expect(pendingCount(m.state.pending)).toBe(0);
    expect(m.state.firstPendingAt).toBeNull();
    expect(fetchParts(flush, 2).map((p) => p.ids)).toEqual([['1', '2'], ['3']]);
    expect(tombstoneParts(flush, 2)).toEqual([{ resource: 'products', deletes: [{ id: 'p', time: 't' }] }]);
    // A webhook during the flush waits for the next one.
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('9') }], T0 + 3000, settings);
    recordFetched(m, { fetched: 3, tombstoned: 1 });
    endFlush(m, flush, T0 + 4000);
    expect(m.state.stats).toMatchObject({ flushes: 1, fetchedRecords: 3, tombstones: 1 });
    expect(m.state.lastFlushAt).toBe(new Date(T0 + 4000).toISOString());
    expect(Object.keys(m.state.pending.upserts.orders!)).toEqual(['9']);
    expect(m.flushBlockedUntil).toBe(0);
  });

  it('a failed fetch keeps its ids and blocks flushes for the backoff; the loop waits for it', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2') }], T0, settings);
    const flush = beginFlush(m);
    const [part] = fetchParts(flush, 10);
    recordFetchFailed(flush, part!, T0 + 5000);
    endFlush(m, flush, T0 + 6000);
    expect(Object.keys(m.state.pending.upserts.orders!)).toEqual(['1', '2']);
    expect(m.flushBlockedUntil).toBe(T0 + 6000 + FAILURE_BACKOFF_MS);
    expect(step(m, T0 + 7000)).toBe('idle');
    expect(planWait(m, settings, T0 + 7000).waitMs).toBe(FAILURE_BACKOFF_MS - 1000);
    expect(step(m, T0 + 6000 + FAILURE_BACKOFF_MS)).toBe('flush');
  });

  it("a deleted variant's product is fetched at the next flush without a backoff", () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'productVariants', action: 'delete', items: [{ id: 'v1', time: 't' }] }], T0, settings);
    const flush = beginFlush(m);
    recordTombstones(m, flush, { tombstoned: 1, refetch: { products: ['p7'] } }, T0 + 100);
    endFlush(m, flush, T0 + 200);
    expect(Object.keys(m.state.pending.upserts.products!)).toEqual(['p7']);
    expect(m.flushBlockedUntil).toBe(0);
    expect(m.state.lastEventAt).toBe(T0 + 200);
  });
});

describe('initial sync', () => {
  it('starts on install with one progress literal (catch-up mode keeps its start) and goes initial-sync', () => {
    const m = startRun('shop-b');
    onInstalled(m, { ...install, mode: 'catch-up', catchUpFrom: '2026-11-01T00:00:00.000Z', reconcileSlotFraction: 0.25 });
    expect(m.state.reconcileSlotFraction).toBe(0.25);
    expect(step(m, T0)).toBe('install');
    const request = takeInstallRequest(m);
    expect(m.installRequest).toBeNull();
    expect(m.state.profile).toBe('expedition');
    expect(startInitialSync(m, request, ['orders', 'products'], T0)).toBe('initial-sync');
    expect(m.state.initialSync).toEqual({
      ...initialSyncProgress(['orders', 'products'], T0),
      catchUpFrom: '2026-11-01T00:00:00.000Z',
    });
    expect(syncPagesInput(m, 'orders', 30, 3)).toMatchObject({ fromPage: 1, maxPages: 3, lastUpdateTimeFrom: '2026-11-01T00:00:00.000Z' });
  });

  it('pages through resources (orders from the lookback), then goes live', () => {
    const m = startRun('shop-c');
    onInstalled(m, install);
    startInitialSync(m, takeInstallRequest(m), ['orders', 'products'], T0);
    expect(step(m, T0)).toBe('initial-sync');
    expect(syncPagesInput(m, 'orders', 10, 3)).toEqual({
      shopToken: 'shop-c',
      resource: 'orders',
      fromPage: 1,
      maxPages: 3,
      priority: 'mandatory',
      creationTimeFrom: new Date(T0 - 10 * 24 * 3600_000).toISOString(),
    });
    recordPages(m, 'orders', { nextPage: 4, totalPages: 5, records: 300 });
    expect(m.state.initialSync).toMatchObject({ index: 0, nextPage: 4, counts: { orders: 300 } });
    recordPages(m, 'orders', { nextPage: null, totalPages: 5, records: 150 });
    expect(initialSyncResource(m)).toBe('products');
    expect(syncPagesInput(m, 'products', 10, 3)).not.toHaveProperty('creationTimeFrom');
    recordPages(m, 'products', { nextPage: null, totalPages: 1, records: 7 });
    expect(initialSyncResource(m)).toBeUndefined();
    expect(finishInitialSync(m, T0 + MIN)).toEqual({ live: true, phase: 'live' });
    expect(m.state.initialSync).toMatchObject({ counts: { orders: 450, products: 7 }, finishedAt: new Date(T0 + MIN).toISOString() });
  });

  it('a queued sync starts when the current one finishes, instead of going live', () => {
    const m = startRun('shop-d');
    onInstalled(m, install);
    startInitialSync(m, takeInstallRequest(m), [], T0);
    m.state.queuedInitialSyncs.push({ resources: ['products'] });
    expect(finishInitialSync(m, T0 + 1000)).toEqual({ live: false });
    expect(m.state.phase).toBe('initial-sync');
    expect(m.state.initialSync).toEqual(initialSyncProgress(['products'], T0 + 1000));
    expect(m.state.queuedInitialSyncs).toEqual([]);
  });
});

describe('version change', () => {
  it('new resources queue an initial sync that the next step starts; the finished one keeps its time', () => {
    const m = liveShop();
    onVersionChange(m, { fromVersion: 1, toVersion: 2 });
    expect(step(m, T0 + 1000)).toBe('version-change');
    expect(versionChangeApplied(m, { fromVersion: 1, toVersion: 2 }, ['products'])).toBe('initial-sync');
    expect(m.state).toMatchObject({ version: 2, pendingVersionChange: null, phase: 'initial-sync' });
    expect(step(m, T0 + 1000)).toBe('initial-sync');
    expect(initialSyncResource(m)).toBeUndefined(); // the install's sync is done
    expect(finishInitialSync(m, T0 + 2000)).toEqual({ live: false });
    expect(m.state.initialSync).toEqual(initialSyncProgress(['products'], T0 + 2000));
    expect(initialSyncResource(m)).toBe('products');
  });

  it('without new resources the shop stays live', () => {
    const m = liveShop();
    onVersionChange(m, { fromVersion: 1, toVersion: 3 });
    expect(versionChangeApplied(m, { fromVersion: 1, toVersion: 3 }, [])).toBeNull();
    expect(m.state).toMatchObject({ version: 3, phase: 'live', queuedInitialSyncs: [] });
  });
});

describe('reconciliation', () => {
  it('is due at the shop slot after the initial sync; the loop waits for it and then runs it', () => {
    const m = liveShop();
    m.state.reconcileSlotFraction = 0.5; // noon UTC
    const due = reconcileDueAt(m, settings, T0);
    expect(due).toBe(Date.parse('2026-12-01T12:00:00.000Z'));
    expect(planWait(m, settings, T0)).toEqual({ suspendedAtWait: false, reconcileAt: due, waitMs: due - T0 });
    expect(step(m, due - 1)).toBe('idle');
    expect(step(m, due)).toBe('reconcile');
  });

  it('the window starts at the last start less the skew margin; catch-up only when webhooks may have missed something', () => {
    const m = liveShop();
    reconcileDone(m, '2026-12-01T00:00:00.000Z');
    const { startedAt, windowStart } = reconcileWindow(m, T0);
    expect(startedAt).toBe(new Date(T0).toISOString());
    expect(windowStart).toBe('2026-11-30T23:59:00.000Z');
    const healthy = { healthy: true, repaired: 0, inactiveFound: 0, missingFound: 0 };
    m.state.lastWebhookAt = '2026-12-01T05:00:00.000Z';
    expect(catchUpNeeded(m, healthy, windowStart, 'mandatory')).toBe(false);
    expect(catchUpNeeded(m, healthy, windowStart, 'optional')).toBe(true);
    expect(catchUpNeeded(m, { ...healthy, inactiveFound: 1 }, windowStart, 'mandatory')).toBe(true);
    m.state.lastWebhookAt = '2026-11-30T00:00:00.000Z';
    expect(catchUpNeeded(m, healthy, windowStart, 'mandatory')).toBe(true);
    // The next one is a period after this one's start.
    reconcileDone(m, startedAt);
    expect(reconcileDueAt(m, settings, T0)).toBeGreaterThan(T0);
  });

  it('new credentials run a reconciliation before other work except back-sync and version change', () => {
    const m = liveShop();
    onCredentialsChanged(m);
    decideSyncNow(m, settings, T0);
    expect(step(m, T0)).toBe('credentials-reconcile');
    expect(mayContinueAsNew(m)).toBe(false);
  });
});

describe('sync now', () => {
  it('refuses before live, accepts once, refuses while requested or running, then for the cooldown', () => {
    const m = startRun('shop-e');
    expect(decideSyncNow(m, settings, T0)).toEqual({ accepted: false, reason: 'not-live', retryAfterSeconds: 60 });
    const live = liveShop();
    expect(decideSyncNow(live, settings, T0)).toEqual({ accepted: true });
    expect(live.state.lastSyncNowAt).toBe(T0);
    expect(decideSyncNow(live, settings, T0 + 1000)).toMatchObject({ accepted: false, reason: 'running' });
    expect(step(live, T0 + 1000)).toBe('sync-now');
    beginSyncNow(live);
    expect(decideSyncNow(live, settings, T0 + 2000)).toMatchObject({ accepted: false, reason: 'running' });
    expect(statusView(live, settings, T0 + 2000).syncNowRunning).toBe(true);
    endSyncNow(live);
    expect(decideSyncNow(live, settings, T0 + MIN)).toEqual({ accepted: false, reason: 'cooldown', retryAfterSeconds: 240 });
    expect(statusView(live, settings, T0 + MIN)).toMatchObject({ syncNowRunning: false, syncNowAvailableInSeconds: 240 });
    expect(decideSyncNow(live, settings, T0 + 5 * MIN)).toEqual({ accepted: true });
  });

  it('refuses with the reason while suspended', () => {
    const m = liveShop();
    suspend(m, 'unpaid', new Date(T0).toISOString(), settings);
    expect(decideSyncNow(m, settings, T0)).toEqual({ accepted: false, reason: 'suspended', retryAfterSeconds: 3600, message: 'unpaid' });
  });
});

describe('back-sync', () => {
  it('queues when live and runs before version change, credentials and flushes', () => {
    const m = liveShop();
    onVersionChange(m, { fromVersion: 1, toVersion: 2 });
    const decision = decideBackSync(m, { action: 'order-status', items: [{ id: 1 }] });
    expect(decision).toEqual({ queued: { request: { action: 'order-status', items: [{ id: 1 }] } } });
    expect(step(m, T0)).toBe('back-sync');
    expect(mayContinueAsNew(m)).toBe(false);
    expect(takeBackSync(m).request.action).toBe('order-status');
    expect(step(m, T0)).toBe('version-change');
  });

  it('refuses when not live, uninstalling or suspended', () => {
    expect(decideBackSync(startRun('s'), { action: 'x', items: [] })).toEqual({
      refused: { ok: false, results: [], message: 'shop is awaiting-install' },
    });
    const m = liveShop();
    onUninstall(m);
    expect(decideBackSync(m, { action: 'x', items: [] })).toEqual({ refused: { ok: false, results: [], message: 'shop is uninstalling' } });
    const suspended = liveShop();
    suspend(suspended, null, new Date(T0).toISOString(), settings);
    expect(decideBackSync(suspended, { action: 'x', items: [] })).toEqual({
      refused: { ok: false, results: [], message: 'service suspended' },
    });
  });
});

describe('service suspension', () => {
  it('answers queued writes, cancels a requested sync now, bounds the ids and holds the loop', () => {
    const m = liveShop();
    const queued = decideBackSync(m, { action: 'x', items: [] });
    decideSyncNow(m, settings, T0);
    const since = new Date(T0 + 1000).toISOString();
    expect(suspend(m, 'unpaid', since, { ...settings, suspendedMaxIds: 2 })).toEqual({ dropped: 0 });
    expect('queued' in queued && queued.queued.result).toEqual({ ok: false, results: [], message: 'service suspended' });
    expect(m.syncNowRequested).toBe(false);
    expect(visiblePhase(m.state)).toBe('suspended');
    // Over the bound: the upserts go, a catch-up from the suspension brings them back at the resume.
    expect(
      onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2', '3') }], T0 + 2000, {
        ...settings,
        suspendedMaxIds: 2,
      }),
    ).toBe(3);
    expect(pendingCount(m.state.pending)).toBe(0);
    expect(step(m, T0 + 3000)).toBe('hold-suspended');
    const wait = planWait(m, settings, T0 + 3000);
    expect(wait).toMatchObject({ suspendedAtWait: true, waitMs: 24 * 3600_000 });
    // Suspended again: only the reason changes.
    expect(suspend(m, 'still unpaid', new Date(T0 + 9000).toISOString(), settings)).toBeNull();
    expect(m.state.suspension).toMatchObject({ reason: 'still unpaid', since, droppedIds: 3 });
    // The resume wakes the loop and catches up from the suspension before anything else.
    m.flushBlockedUntil = T0 + FAILURE_BACKOFF_MS;
    expect(resume(m)).toEqual({ droppedIds: 3, catchUpFrom: since });
    expect(m.flushBlockedUntil).toBe(0);
    expect(wakeUp(m, wait, T0 + 4000)).toBe(true);
    expect(nextStep(m, wait, T0 + 4000)).toBe('resume-catch-up');
    expect(resumeCatchUpSince(m)).toBe(new Date(T0 + 1000 - MIN).toISOString());
    expect(resume(m)).toBeNull();
  });
});

describe('continue-as-new', () => {
  it('is wanted when Temporal suggests it or past the test cap; waits for run-local work', () => {
    expect(continueAsNewWanted({ continueAsNewSuggested: true, historyLength: 10 }, settings)).toBe(true);
    expect(continueAsNewWanted({ continueAsNewSuggested: false, historyLength: 10_000 }, settings)).toBe(false);
    expect(continueAsNewWanted({ continueAsNewSuggested: false, historyLength: 151 }, { ...settings, maxHistoryEvents: 150 })).toBe(true);
    const m = liveShop();
    expect(mayContinueAsNew(m)).toBe(true);
    onInstalled(m, install);
    expect(mayContinueAsNew(m)).toBe(false);
  });

  it('carries the state (pending ids, stats) into the next run with idle run-local flags', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2') }], T0, settings);
    m.flushBlockedUntil = T0 + MIN;
    const next = startRun('shop-a', JSON.parse(JSON.stringify(carryOver(m))));
    expect(next.state.stats.runs).toBe(2);
    expect(Object.keys(next.state.pending.upserts.orders!)).toEqual(['1', '2']);
    expect(next.flushBlockedUntil).toBe(0);
    expect(next.backSyncQueue).toEqual([]);
    expect(step(next, T0 + 1)).toBe('flush');
  });

  it('spills above the threshold, in numbered documents; a failed write keeps the ids in memory', () => {
    const m = liveShop();
    onWebhookBatches(m, [{ resource: 'orders', action: 'update', items: ids('1', '2', '3') }], T0, settings);
    expect(spillBeforeContinueAsNew(m, { ...settings, spillThreshold: 3 })).toBe(false);
    expect(spillBeforeContinueAsNew(m, { ...settings, spillThreshold: 2 })).toBe(true);
    const groups = beginSpill(m);
    expect(pendingCount(m.state.pending)).toBe(0);
    const docs = numberSpillDocs(m, groups[0]!);
    expect(docs.map((d) => d.seq)).toEqual([1]);
    spillWritten(m, docs);
    expect(m.state.spill).toEqual({ docs: 1, ids: 3, nextSeq: 2 });
    expect(step(m, T0)).toBe('drain-spill');
    spillFailed(m, groups, T0 + 5);
    expect(pendingCount(m.state.pending)).toBe(3);
  });
});

describe('drain of spilled ids', () => {
  it('counts down, refetches, moves the flush time when done; a failure backs off', () => {
    const m = liveShop();
    m.state.spill = { docs: 2, ids: 10, nextSeq: 3 };
    expect(drainResult(m, { remainingDocs: 1, remainingIds: 5, fetched: 5, tombstoned: 0, refetch: { products: ['p'] } }, T0)).toBe(false);
    expect(m.state.spill).toEqual({ docs: 1, ids: 5, nextSeq: 3 });
    expect(m.state.pending.upserts.products).toEqual({ p: T0 });
    expect(drainResult(m, { remainingDocs: 0, remainingIds: 0, fetched: 5, tombstoned: 0 }, T0 + 1)).toBe(true);
    expect(m.state.lastFlushAt).toBe(new Date(T0 + 1).toISOString());
    expect(m.state.stats.fetchedRecords).toBe(10);
    m.state.spill = { docs: 1, ids: 1, nextSeq: 4 };
    drainFailed(m, T0 + 2);
    expect(step(m, T0 + 3)).toBe('idle');
  });
});

describe('uninstall', () => {
  it('wakes the loop and answers every queued write', () => {
    const m = liveShop();
    const wait = planWait(m, settings, T0);
    expect(wakeUp(m, wait, T0)).toBe(false);
    const queued = decideBackSync(m, { action: 'x', items: [] });
    onUninstall(m);
    expect(wakeUp(m, wait, T0)).toBe(true);
    refuseQueuedBackSyncs(m, 'shop uninstalled');
    expect('queued' in queued && queued.queued.result).toEqual({ ok: false, results: [], message: 'shop uninstalled' });
    expect(m.backSyncQueue).toEqual([]);
  });
});

describe('step priority', () => {
  it('follows the chain: install, then back-sync, version change, credentials, sync now, reconcile, spill, flush', () => {
    const m = liveShop();
    addToPending(m.state.pending, { resource: 'orders', action: 'update', items: ids('1') }, T0);
    m.state.spill = { docs: 1, ids: 1, nextSeq: 2 };
    decideSyncNow(m, settings, T0);
    onCredentialsChanged(m);
    onVersionChange(m, { fromVersion: 1, toVersion: 2 });
    decideBackSync(m, { action: 'x', items: [] });
    onInstalled(m, install);
    const wait = { suspendedAtWait: false, reconcileAt: T0, waitMs: 1 };
    const order: string[] = [];
    const undo = [
      () => takeInstallRequest(m),
      () => takeBackSync(m),
      () => versionChangeApplied(m, { fromVersion: 1, toVersion: 2 }, []),
      () => (m.credentialsChanged = false),
      () => beginSyncNow(m),
      () => (wait.reconcileAt = T0 + MIN),
      () => (m.state.spill = { docs: 0, ids: 0, nextSeq: 2 }),
      () => beginFlush(m),
    ];
    for (const next of undo) {
      order.push(nextStep(m, wait, T0));
      next();
    }
    order.push(nextStep(m, wait, T0));
    expect(order).toEqual([
      'install',
      'back-sync',
      'version-change',
      'credentials-reconcile',
      'sync-now',
      'reconcile',
      'drain-spill',
      'flush',
      'idle',
    ]);
  });
});
