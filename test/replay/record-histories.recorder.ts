// Records workflow histories from real runs against the sandbox (Temporal dev server + FerretDB from the
// global setup) into test/replay/histories/*.json, which replay.test.ts replays against the current workflow
// code. Not a test: run it with `npm run record-histories` at each release (see README "Releasing workflow
// changes"). One shop goes through install, initial sync, webhook flushes, reconcile, sync-now, a back-sync
// write, a version change, several continue-as-new hand-overs and uninstall; every run of every workflow of
// that shop is stored (histories hold ids and public shop data only, never credentials).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shopSyncSettings, signalWithStartShop } from '../../src/temporal/shop-workflow-client.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate, webhookSignal } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { vendor } from '../e2e/profile-kit.js';
import { shopState, waitMirrored, waitPhase } from '../e2e/shop-sync-helpers.js';

const OUT = join(import.meta.dirname, 'histories');
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('record', {
    env: {
      ADDON_PROFILE: 'expedition',
      VENDOR_API_TOKEN: 'record-vendor-token',
      RECONCILE_PERIOD_SECONDS: '20',
      UNINSTALL_RETENTION_SECONDS: '5',
    },
  });
});
afterAll(async () => {
  await e2e?.stop();
});

it('records install, shop-sync and uninstall histories', async () => {
  const shop = e2e.sandbox.createShop({ token: 'shop-replay', seed: 5, orders: 30, ordersSpreadDays: 10, grantedAccesses: 'all' });
  const client = e2e.app.temporal;
  // A low history cap makes the shop workflow continue-as-new several times during the run.
  await signalWithStartShop(client, e2e.app.config, shop.token, 'expedition', webhookSignal, [], {
    ...shopSyncSettings(e2e.app.config),
    maxHistoryEvents: 150,
  });
  expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: 1 })).body).toMatchObject({ error: false });
  await waitPhase(client, shop.token, 'live');

  shop.mutate({ orders: { create: 5, update: 10 } }); // webhooks -> debounced flushes
  await waitMirrored(e2e, shop, 'orders', 90_000);
  const handle = client.workflow.getHandle(shopWorkflowId(shop.token));
  expect(await handle.executeUpdate(syncNowUpdate)).toMatchObject({ accepted: true });
  await eventually('sync now finished', async () => !(await shopState(client, shop.token)).syncNowRunning, 60_000, 500);
  const order = shop.data.orders[0]!;
  const written = await vendor(e2e, 'PUT', `${shop.token}/orders/${order.order_number}`, { tracking_code: 'REPLAY-1' });
  expect(written.status).toBeLessThan(300);
  expect((await e2e.sandbox.lifecycle.versionChange(shop.token, { addonUrl: e2e.addonUrl, version: 2 })).status).toBe(200);
  await eventually('version 2', async () => (await shopState(client, shop.token)).version === 2 || undefined, 60_000, 500);
  await eventually('a reconciliation', async () => (await shopState(client, shop.token)).lastReconcileAt ?? undefined, 60_000, 500);
  await waitPhase(client, shop.token, 'live');
  shop.mutate({ orders: { update: 5 } });
  await waitMirrored(e2e, shop, 'orders', 90_000);
  expect((await shopState(client, shop.token)).stats.runs).toBeGreaterThan(1);
  expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
  await eventually('shop workflow ended', async () => (await handle.describe()).status.name === 'COMPLETED' || undefined, 90_000, 500);
  const uninstall = client.workflow.getHandle(`uninstall:${shop.token}`);
  await eventually('uninstall purged', async () => (await uninstall.describe()).status.name === 'COMPLETED' || undefined, 90_000, 500);

  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith('.json')) rmSync(join(OUT, f));
  let n = 0;
  const types = new Set<string>();
  for await (const wf of client.workflow.list({ query: `TaskQueue = "${e2e.app.config.temporal.taskQueue}"` })) {
    if (wf.status.name === 'RUNNING') continue; // only finished runs replay to their end
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const name = `${wf.type}-${wf.workflowId.replace(/[^a-z0-9-]+/gi, '_')}-${wf.runId.slice(0, 8)}.json`;
    writeFileSync(join(OUT, name), JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON()) + '\n');
    types.add(wf.type);
    n++;
  }
  console.log(`recorded ${n} histories (${[...types].join(', ')}) into ${OUT}`);
  expect([...types]).toEqual(expect.arrayContaining(['installWorkflow', 'shopSyncWorkflow', 'uninstallWorkflow']));
}, 400_000);
