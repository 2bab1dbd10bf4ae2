// The worker process killed with SIGKILL at random moments, during an initial sync and during a webhook flood,
// repeatedly. Proved: after restarts MongoDB equals the sandbox record by record (nothing lost, nothing stale),
// and no record is written twice with contents it already held (write-counter.ts polls every record's write
// stamp; a second document per id exists only inside the FerretDB path's write, so counting documents proves
// nothing about duplicated writes).
// The 5xx column is the sandbox's delivery log; secrets are searched in every history and MongoDB document.
// Runs on both record-store write paths (RECORD_STORE_WRITE_PATH in the worker): the FerretDB path (a changed
// record's new version inserted before the old is deleted: a kill in between leaves two versions) and the
// MongoDB path (guarded update in place), forced here on FerretDB.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { recordChaosRow } from './chaos-table.js';
import { searchSecrets } from './secret-scan.js';
import { killProcess, startWorkerProcess } from './worker-process.js';
import { countWrites, totalRewrites } from './write-counter.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';

const KILLS = process.env.CHAOS_LONG ? 6 : 2;

// Both write paths run in `npm test` (issue 20). The MongoDB path forced on FerretDB runs a smaller shop and flood:
// its per-record guarded update (`_id` plus the version guard) is a whole-collection scan on FerretDB 1.24, which
// pushes an `_id` filter down to SQLite only when it is the filter's only key (measured on the loaded 2-core box at
// 6,000 stored records: 0.29 s by `_id` alone, 2.1 s with the guard, 1.5 s by record id). At 1,500 orders and a
// 59-order flood that was ~3 s per record: every order converged, but after 390 s (diagnosed with the state and
// pending-activity lines below). The statement stays the one MongoDB runs (guard in the filter); the scale shrinks.
// WORKER_KILL_PATHS=mongodb (or ferretdb) runs one path; CHAOS_LONG=1 kills more often.
const WRITE_PATHS: ReadonlyArray<'ferretdb' | 'mongodb'> = process.env.WORKER_KILL_PATHS
  ? (process.env.WORKER_KILL_PATHS.split(',') as Array<'ferretdb' | 'mongodb'>)
  : ['ferretdb', 'mongodb'];
const SCALE = {
  ferretdb: { orders: 1500, updatesPerKill: 30 },
  mongodb: { orders: 400, updatesPerKill: 10 },
} as const;

describe.each(WRITE_PATHS)('worker killed with SIGKILL (%s write path)', (writePath) => {
  let e2e: E2E;
  let worker: ChildProcess | undefined;
  // The worker child is configured like the test's runtime (SYNC_QUIET_SECONDS 1, SYNC_MAX_WAIT_SECONDS 5).
  const startWorker = () => startWorkerProcess(e2e.app.config, { RECORD_STORE_WRITE_PATH: writePath });
  const killWorker = () => killProcess(worker);

  beforeAll(async () => {
    // API only in the test process; the worker runs in a child process we can kill.
    e2e = await startE2E(`workerkill_${writePath}`, {
      role: 'api',
      sandbox: { duplicateRate: 0.2 },
      env: { RECORD_STORE_WRITE_PATH: writePath },
    });
    worker = startWorker();
  });
  afterAll(async () => {
    await killWorker();
    await e2e?.stop();
  });

  it('loses nothing when killed during the initial sync and during a webhook flood', { timeout: 600_000 }, async () => {
    const started = Date.now();
    const shop = e2e.sandbox.createShop({
      token: `kill-shop-${writePath}`,
      seed: 11,
      orders: SCALE[writePath].orders,
      ordersSpreadDays: 30,
      grantedAccesses: 'all',
    });
    e2e.sandbox.faults.set(shop.token, { latencyMs: 400 });
    // Wait until the child worker polls (it bundles the workflows first), so the install answers in time.
    const { healthCheckWorkflow } = await import('../../workflows/health-check.js');
    await e2e.app.temporal.workflow.execute(healthCheckWorkflow, {
      workflowId: `kill-ready-${Date.now()}`,
      taskQueue: e2e.app.config.temporal.taskQueue,
      args: ['ready', 'yes'],
    });
    const install = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    expect(install.status).toBe(200);
    const writes = countWrites(e2e.app.db, [shop.token], 'orders');

    // Kill during the initial sync, at random moments while the worker is busy (calls are flowing).
    const callsOf = () => e2e.sandbox.calls.filter((c) => c.shopToken === shop.token).length;
    const whileBusy = async () => {
      const seen = callsOf();
      await eventually('worker busy', () => callsOf() > seen + 2 || undefined, 120_000, 100);
      await new Promise((r) => setTimeout(r, Math.random() * 1_500));
    };
    let kills = 0;
    // Before the hand-over the shop workflow does not exist yet: that is still "initial sync" for this test.
    const phase = async () =>
      (
        await e2e.app.temporal.workflow
          .getHandle(shopWorkflowId(shop.token))
          .query(shopStateQuery)
          .catch(() => ({ phase: 'installing' }))
      ).phase;
    for (let i = 0; i < KILLS; i++) {
      await whileBusy();
      if ((await phase()) === 'live') break;
      console.log(`kill #${kills + 1} during initial sync after ${callsOf()} API calls`);
      await killWorker();
      kills++;
      worker = startWorker();
    }
    await waitShopLive(e2e, shop.token, 240_000);
    const at = () => `${Math.round((Date.now() - started) / 1000)} s`;
    console.log(`${writePath}: live after ${at()}`);

    // Flood: change orders while killing the worker again.
    const changed = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      for (let j = 0; j < SCALE[writePath].updatesPerKill / 10; j++)
        for (const id of shop.mutate({ orders: { update: 10 } }).orders.updated) changed.add(id);
      // Kill at a random moment while the webhooks are being delivered, debounced and flushed.
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 4_000));
      console.log(`kill #${kills + 1} during the flood`);
      await killWorker();
      kills++;
      worker = startWorker();
    }
    await e2e.sandbox.waitForDeliveriesIdle(120_000);
    console.log(`${writePath}: webhook deliveries idle after ${at()}`);
    // Converged = MongoDB equals the sandbox; a flush may still be running when the pending set is empty,
    // so poll the comparison itself. Records still missing or stale after the deadline are lost.
    const inLookback = (o: Record<string, unknown>) => Date.parse(String(o.creation_time)) >= Date.now() - 90 * 86400_000;
    let diff = await diffMirror(e2e.app.db, shop, 'orders', inLookback);
    const deadline = Date.now() + 240_000;
    let reported = 0;
    while ((diff.missing.length || diff.stale.length) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 3_000));
      if (Date.now() - reported > 30_000) {
        reported = Date.now();
        const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token));
        const state = await handle.query(shopStateQuery).catch((e: Error) => e.message);
        const described = await handle.describe().catch(() => null);
        const activities = (described?.raw.pendingActivities ?? []).map((a) => ({
          type: a.activityType?.name,
          state: a.state,
          attempt: a.attempt,
          lastFailure: a.lastFailure?.message,
        }));
        console.log(`${writePath}: ${diff.stale.length} stale at ${at()}`, JSON.stringify({ state, activities }).slice(0, 1500));
      }
      diff = await diffMirror(e2e.app.db, shop, 'orders', inLookback);
    }
    console.log(`${writePath}: mirror compared after ${at()}: ${diff.missing.length} missing, ${diff.stale.length} stale`);
    // Proof the counter sees a duplicate write on this store (then taken out of the figure).
    await writes.recordControlRewrite();
    const written = await writes.stop();
    // A kill between the FerretDB path's insert and delete leaves two versions; the retried write removes the older.
    const documents = await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource: 'orders' });
    const ids = (await e2e.app.db.models.SyncedRecord.distinct('recordId', { shopToken: shop.token, resource: 'orders' })).length;
    const duplicates = totalRewrites(written);
    const attempts = e2e.sandbox.deliveries.filter((d) => d.shopToken === shop.token).flatMap((d) => d.attempts);
    const serverErrors = attempts.filter((a) => a.status >= 500 && a.status !== 503).length;
    const secrets = await searchSecrets(e2e.app.temporal, e2e.app.config.temporal.taskQueue, e2e.app.db, [
      shop.credentials!.apiKey,
      shop.credentials!.apiUser,
    ]);
    recordChaosRow({
      scenario: `worker SIGKILL during initial sync and webhook flood (${writePath} write path)`,
      tries: kills,
      recordsLost: diff.missing.length + diff.stale.length,
      duplicates,
      serverErrors,
      secretsFound: secrets.found,
      note: `${diff.checked} orders compared (${diff.extra.length} extra), ${changed.size} changed during the flood; ${written.writes} writes seen in ${written.polls} polls; ${attempts.length} delivery attempts; ${secrets.histories} histories and ${secrets.documents} documents searched`,
    });
    console.log(`${writePath} write path: worker-kill scenario took ${Date.now() - started} ms`);
    expect(diff.missing).toEqual([]);
    expect(diff.stale).toEqual([]);
    expect(diff.extra).toEqual([]);
    expect(documents - ids).toBe(0); // no second version left behind
    expect({ duplicates, examples: [...written.rewrites.keys()].slice(0, 5) }).toEqual({ duplicates: 0, examples: [] });
    expect(serverErrors).toBe(0);
    expect(secrets.decoded).toBe(true);
    expect(secrets.found).toBe(0);
  });
});
