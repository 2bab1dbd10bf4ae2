// The shop workflow on the real Temporal dev server with stubbed activities (issue 15.3), like
// install-workflow.test.ts: install → initial sync page by page → live, a debounced flush of webhook ids,
// "sync now" single-flight and cooldown, uninstall, and a continue-as-new that carries pending ids. The
// activities are recorded stubs, so what is asserted is the workflow's own order of work; the e2e tests
// (test/e2e/shop-sync-*.test.ts) prove the same against the sandbox with the real activities.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ShopSyncActivities } from '../../workflows/activity-types.js';
import { installedSignal, shopStateQuery, syncNowUpdate, uninstallSignal, webhookSignal } from '../../workflows/messages.js';
import type { ShopSyncSettings, shopSyncWorkflow } from '../../workflows/shop-sync.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { eventually } from '../helpers/e2e-env.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const run = `ssw${Date.now() % 100000}`;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('temporalNamespace'),
  });
  bundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const settings: ShopSyncSettings = {
  quietMs: 1000,
  maxWaitMs: 10_000,
  syncNowCooldownMs: 60_000,
  idsPerActivity: 2,
  pagesPerActivity: 1,
  // A long period whose slot is far from now: no reconciliation of its own during a test.
  reconcilePeriodMs: 7 * 24 * 3600_000,
};

/** Recording stubs: orders have two pages, products one; `gate` holds the webhook health check (sync now). */
function stubs() {
  const calls: string[] = [];
  let release: () => void = () => {};
  const gate = { held: false, wait: Promise.resolve() };
  const holdHealthCheck = () => {
    gate.held = true;
    gate.wait = new Promise((resolve) => (release = resolve));
    return () => release();
  };
  const activities: ShopSyncActivities = {
    planInitialSync: async ({ onlyResources }) => (
      calls.push(`plan:${onlyResources?.join(',') ?? '*'}`),
      {
        resources: (['orderStatuses', 'languages', 'orders', 'products'] as const).filter(
          (r) => !onlyResources || onlyResources.includes(r),
        ),
        lookbackDays: 30,
        codeLists: ['orderStatuses', 'languages'],
      }
    ),
    syncCodeLists: async ({ resources }) => (
      calls.push(`codeLists:${resources.join(',')}`),
      { records: Object.fromEntries(resources.map((r) => [r, 3])) }
    ),
    syncPages: async ({ resource, fromPage }) => (
      calls.push(`pages:${resource}:${fromPage}`),
      { nextPage: resource === 'orders' && fromPage === 1 ? 2 : null, totalPages: resource === 'orders' ? 2 : 1, records: 10 }
    ),
    fetchAndUpsert: async ({ resource, ids }) => (calls.push(`fetch:${resource}:${ids.join(',')}`), { fetched: ids.length, tombstoned: 0 }),
    retryQuarantined: async () => (calls.push('retryQuarantined'), { retried: 0, released: 0, stillQuarantined: 0 }),
    spillPending: async ({ docs }) => (calls.push('spill'), { written: docs.length }),
    drainSpilledPending: async () => (calls.push('drain'), { drainedIds: 0, remainingDocs: 0, remainingIds: 0, fetched: 0, tombstoned: 0 }),
    applyTombstones: async ({ resource, deletes }) => (
      calls.push(`tombstones:${resource}:${deletes.map((d) => d.id).join(',')}`),
      { tombstoned: deletes.length }
    ),
    checkWebhookHealth: async () => {
      calls.push('checkWebhookHealth');
      await gate.wait;
      return { healthy: true, repaired: 0, inactiveFound: 0, missingFound: 0 };
    },
    catchUp: async ({ priority }) => (calls.push(`catchUp:${priority}`), { records: 0 }),
    applyVersionChange: async () => (calls.push('applyVersionChange'), { resourcesToSync: [] }),
    executeBackSync: async () => (calls.push('executeBackSync'), { ok: true, results: [] }),
    noteShopSync: async () => void calls.push('note'),
  };
  return { calls, activities, holdHealthCheck };
}

async function withWorker<T>(taskQueue: string, activities: ShopSyncActivities, body: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(body);
}

function startShop(taskQueue: string, extra: Partial<ShopSyncSettings> = {}): Promise<WorkflowHandle<typeof shopSyncWorkflow>> {
  return env.client.workflow.start<typeof shopSyncWorkflow>('shopSyncWorkflow', {
    taskQueue,
    workflowId: `shop:${taskQueue}`,
    args: [{ shopToken: taskQueue, settings: { ...settings, ...extra } }],
  });
}
const phase = (handle: WorkflowHandle) => handle.query(shopStateQuery).then((s) => s.phase);
/** Installs and waits until live and the going-live note (the initial sync's last activity) was taken. */
async function installAndGoLive(handle: WorkflowHandle, calls: string[]): Promise<void> {
  await handle.signal(installedSignal, { profile: 'expedition', version: 1, mode: 'full' });
  await eventually('live', async () => ((await phase(handle)) === 'live' && calls.includes('note')) || undefined, 60_000);
}

describe('shop workflow (stubbed activities)', () => {
  it('install: plans once, syncs the code lists in one activity and each paginated resource page by page, goes live; uninstall ends it as uninstalled', async () => {
    const queue = `${run}-install`;
    const { calls, activities } = stubs();
    const result = await withWorker(queue, activities, async () => {
      const handle = await startShop(queue);
      expect(await phase(handle)).toBe('awaiting-install');
      await installAndGoLive(handle, calls);
      const state = await handle.query(shopStateQuery);
      expect(state.initialSync).toMatchObject({
        resources: ['orderStatuses', 'languages', 'orders', 'products'],
        counts: { orderStatuses: 3, languages: 3, orders: 20, products: 10 },
      });
      expect(state.initialSync?.finishedAt).toBeTruthy();
      await handle.signal(uninstallSignal);
      return handle.result();
    });
    // The install's plan serves the whole sync (before: a plan per step); the code lists, one API call and a few
    // records each, go in one activity (before: a plan and a syncPages each).
    expect(calls).toEqual(['plan:*', 'codeLists:orderStatuses,languages', 'pages:orders:1', 'pages:orders:2', 'pages:products:1', 'note']);
    expect(result).toMatchObject({ phase: 'uninstalled', stats: { runs: 1 } });
  });

  it('webhook ids arriving within the quiet period flush together, in parts of idsPerActivity', async () => {
    const queue = `${run}-flush`;
    const { calls, activities } = stubs();
    await withWorker(queue, activities, async () => {
      const handle = await startShop(queue);
      await installAndGoLive(handle, calls);
      calls.length = 0;
      await handle.signal(webhookSignal, [{ resource: 'orders', action: 'update', items: [{ id: '1' }, { id: '2' }] }]);
      await handle.signal(webhookSignal, [
        { resource: 'orders', action: 'update', items: [{ id: '3' }] },
        { resource: 'products', action: 'delete', items: [{ id: 'p9', time: '2026-12-01 10:00:00' }] },
      ]);
      const state = await eventually('flushed', async () => {
        const s = await handle.query(shopStateQuery);
        return s.stats.flushes > 0 ? s : undefined;
      });
      expect(state.stats).toMatchObject({ flushes: 1, events: 4, fetchedRecords: 3, tombstones: 1 });
      expect(state.pendingCounts).toEqual({});
      await handle.signal(uninstallSignal);
      await handle.result();
    });
    expect(calls).toEqual(['fetch:orders:1,2', 'fetch:orders:3', 'tombstones:products:p9', 'note']);
  });

  it('sync now: accepted, refused as running while it runs, then refused for the cooldown', async () => {
    const queue = `${run}-syncnow`;
    const { calls, activities, holdHealthCheck } = stubs();
    await withWorker(queue, activities, async () => {
      const handle = await startShop(queue);
      expect(await handle.executeUpdate(syncNowUpdate)).toEqual({ accepted: false, reason: 'not-live', retryAfterSeconds: 60 });
      await installAndGoLive(handle, calls);
      calls.length = 0;
      const release = holdHealthCheck();
      expect(await handle.executeUpdate(syncNowUpdate)).toEqual({ accepted: true });
      await eventually('health check running', () => calls.includes('checkWebhookHealth') || undefined);
      expect(await handle.executeUpdate(syncNowUpdate)).toEqual({ accepted: false, reason: 'running', retryAfterSeconds: 30 });
      release();
      await eventually('sync now finished', async () => !(await handle.query(shopStateQuery)).syncNowRunning || undefined);
      const refused = await handle.executeUpdate(syncNowUpdate);
      expect(refused).toMatchObject({ accepted: false, reason: 'cooldown' });
      expect(refused.accepted === false && refused.retryAfterSeconds).toBeGreaterThan(30);
      expect((await handle.query(shopStateQuery)).lastReconcileAt).toBeTruthy();
      await handle.signal(uninstallSignal);
      await handle.result();
    });
    // "Sync now" is an optional catch-up plus the quarantine retry.
    expect(calls).toEqual(['checkWebhookHealth', 'catchUp:optional', 'retryQuarantined']);
  });

  it('continue-as-new carries pending ids (and the event count) into the next run', async () => {
    const queue = `${run}-can`;
    const { calls, activities } = stubs();
    await withWorker(queue, activities, async () => {
      // Not installed yet: ids wait (no flush before live) while each signal grows the history past the cap.
      const handle = await startShop(queue, { maxHistoryEvents: 20 });
      const firstRun = (await handle.describe()).runId;
      // One workflow task per signal (each waits for the previous to be seen), so the history grows by ~4 events each.
      for (let i = 1; i <= 8; i++) {
        await handle.signal(webhookSignal, [{ resource: 'orders', action: 'update', items: [{ id: `c${i}` }] }]);
        await eventually(`event ${i} seen`, async () => (await handle.query(shopStateQuery)).stats.events >= i || undefined);
      }
      const first = await env.client.workflow.getHandle(handle.workflowId, firstRun).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      // The first run took at least the first ids (its history passed 20 events after 4 signals at the earliest),
      // so all 8 pending in a later run means they crossed continue-as-new.
      const carried = await handle.query(shopStateQuery);
      expect(carried.stats.runs).toBeGreaterThanOrEqual(2);
      expect(carried.pendingCounts).toEqual({ orders: 8 });
      expect(carried.stats.events).toBe(8);
      expect(carried.phase).toBe('awaiting-install');
      await handle.signal(uninstallSignal);
      expect(await handle.result()).toMatchObject({ phase: 'uninstalled' });
    });
    expect(calls).toEqual([]);
  });
});
