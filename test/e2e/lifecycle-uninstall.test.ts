// Uninstall and reinstall end to end (sandbox over HTTP, real Temporal dev server and FerretDB): uninstall is
// idempotent, ends the shop workflow, drops the credentials and makes no API call; late webhooks are
// acknowledged and resurrect nothing; a reinstall within the retention period keeps the data and catches up
// with `last_update_time_from` only.
import diagnostics_channel from 'node:diagnostics_channel';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { shopWorkflowId, uninstallWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';

/** Every request the app's undici client sends (method + path with query), read from undici's diagnostics channel. */
function recordRequests(origin: string) {
  const seen: Array<{ method: string; path: string }> = [];
  const onCreate = (message: unknown) => {
    const { request } = message as { request: { origin: string; path: string; method: string } };
    if (String(request.origin).replace(/\/$/, '') === origin) seen.push({ method: request.method, path: request.path });
  };
  diagnostics_channel.subscribe('undici:request:create', onCreate);
  return { seen, stop: () => diagnostics_channel.unsubscribe('undici:request:create', onCreate) };
}

describe('uninstall and reinstall', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // Retention far beyond the test: the purge must not interfere here (lifecycle-retention.test.ts covers it).
    // Uninstalls revoke the access while activities may still run (401s, one per shop): opt out of the
    // sandbox's per-IP failed-login block so shops of this file cannot block each other.
    e2e = await startE2E('lc_uninstall', { env: { UNINSTALL_RETENTION_DAYS: '3650' }, sandbox: { failedLoginScope: 'ip+user' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const handle = (id: string) => e2e.app.temporal.workflow.getHandle(id);
  async function describeOrNull(id: string) {
    try {
      return await handle(id).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
  async function runsOf(workflowId: string): Promise<string[]> {
    const runs: string[] = [];
    for await (const wf of e2e.app.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(wf.runId);
    return runs;
  }
  async function waitLive(token: string) {
    return eventually(
      `shop ${token} live`,
      async () => {
        const state = await handle(shopWorkflowId(token)).query(shopStateQuery);
        return state.phase === 'live' ? state : undefined;
      },
      90_000,
    );
  }
  async function install(shop: SandboxShop) {
    const result = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    expect(result.body).toEqual({ error: false, message: '' });
    return waitLive(shop.token);
  }
  const waitCompleted = (token: string) =>
    eventually(
      `shop ${token} workflow completed`,
      async () => (await describeOrNull(shopWorkflowId(token)))?.status.name === 'COMPLETED',
      30_000,
    );

  it('uninstall twice: 200 both times, the shop workflow completes, credentials are gone, no API call; a late webhook starts nothing', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-un-1', seed: 31, orders: 30, ordersSpreadDays: 20, grantedAccesses: 'all' });
    await install(shop);
    // The webhooks as registered, read before the uninstall (Upgates deletes them at uninstall).
    const hooks = shop.webhooks.map((w) => ({ ...w }));
    expect(hooks.length).toBeGreaterThan(0);
    const records = await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token });
    expect(records).toBeGreaterThanOrEqual(30);
    expect(await e2e.app.db.connection.collection('reconcile_slots').countDocuments({ shopToken: shop.token })).toBe(1);
    const callsBefore = e2e.sandbox.calls.length;

    const first = await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ error: false, message: '' });
    const uninstallRun = (await describeOrNull(uninstallWorkflowId(shop.token)))!;
    expect(uninstallRun).not.toBeNull();
    const second = await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ error: false, message: '' });
    // A no-op: had the second callback started the uninstall workflow again (TERMINATE_EXISTING), the run would differ.
    expect((await describeOrNull(uninstallWorkflowId(shop.token)))!.runId).toBe(uninstallRun.runId);
    expect(await runsOf(uninstallWorkflowId(shop.token))).toEqual([uninstallRun.runId]);

    await waitCompleted(shop.token);
    const shopRun = (await describeOrNull(shopWorkflowId(shop.token)))!;
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(stored?.status).toBe('uninstalled');
    expect(stored?.credentials).toBeNull();
    expect(stored?.uninstalledAt).toBeInstanceOf(Date);
    // Data is kept for the retention period.
    expect(await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token })).toBe(records);

    // The uninstall made no API call (access is revoked): nothing at all reached the sandbox API since, not
    // even a refused (401) call, which would carry no shop token.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(e2e.sandbox.calls.slice(callsBefore).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);

    // A late delivery to the old webhook URL: acknowledged (so Upgates stops retrying), nothing started.
    const ordersHook = hooks.find((w) => w.event === 'Orders.update')!;
    const order = shop.data.orders[0]!;
    const late = await fetch(ordersHook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project_name: shop.projectName,
        orders: [{ order_number: order.order_number, last_update_time: new Date().toISOString(), status_id: 1, status: 'x' }],
      }),
    });
    expect(late.status).toBe(200);
    // The sandbox's own deliveries of changes made now have no webhook to go to.
    shop.mutate({ orders: { update: 2 } });
    await new Promise((r) => setTimeout(r, 2_000));
    const after = (await describeOrNull(shopWorkflowId(shop.token)))!;
    expect(after.status.name).toBe('COMPLETED');
    expect(after.runId).toBe(shopRun.runId);
    expect(await runsOf(shopWorkflowId(shop.token))).toEqual([shopRun.runId]);
    expect(e2e.sandbox.calls.slice(callsBefore)).toEqual([]);
    // Its reconciliation slot was given back for the next install (issue 18.4).
    expect(await e2e.app.db.connection.collection('reconcile_slots').countDocuments({ shopToken: shop.token })).toBe(0);
  });

  it('reinstall within retention keeps the data and catches up with last_update_time_from only', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-un-2', seed: 32, orders: 40, ordersSpreadDays: 20, grantedAccesses: 'all' });
    await install(shop);
    const firstRun = (await describeOrNull(shopWorkflowId(shop.token)))!.runId;
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    await waitCompleted(shop.token);
    const kept = await e2e.app.db.models.SyncedRecord.find(
      { shopToken: shop.token, resource: 'orders' },
      { recordId: 1, lastUpdateTime: 1 },
    ).lean();
    expect(kept.length).toBe(40);

    // Changes while uninstalled: no webhook exists, so only the reinstall's catch-up can bring them in.
    shop.mutate({ orders: { update: 4, create: 2 } });
    const staleDiff = await diffMirror(e2e.app.db, shop, 'orders');
    expect(staleDiff.missing.length).toBe(2); // proof the mirror is behind before the reinstall
    expect(staleDiff.stale.length).toBeGreaterThan(0);

    const requests = recordRequests(e2e.sandbox.url);
    try {
      const state = await install(shop);
      expect(state.initialSync?.catchUpFrom).toBeDefined();
      await eventually('mirror equals the sandbox', async () => {
        const diff = await diffMirror(e2e.app.db, shop, 'orders');
        return diff.missing.length + diff.stale.length + diff.extra.length === 0 ? diff : undefined;
      });
    } finally {
      requests.stop();
    }
    expect((await describeOrNull(shopWorkflowId(shop.token)))!.runId).not.toBe(firstRun);

    const orderLists = requests.seen
      .map((r) => new URL(r.path, 'http://x'))
      .filter((u) => u.pathname.endsWith('/api/v2/orders') && !u.searchParams.has('order_numbers'));
    console.log(`reinstall: ${requests.seen.length} API requests, order list pages: ${orderLists.map((u) => u.search).join(' | ')}`);
    // Guard against a vacuous pass: the channel did see the app's requests, including order list pages.
    expect(requests.seen.length).toBeGreaterThan(3);
    expect(orderLists.length).toBeGreaterThan(0);
    for (const url of orderLists) {
      expect({ url: url.search, incremental: url.searchParams.has('last_update_time_from') }).toEqual({
        url: url.search,
        incremental: true,
      });
      expect(url.searchParams.has('creation_time_from')).toBe(false);
    }
    // The kept records were updated in place, not deleted and re-created.
    // On FerretDB a CHANGED record is stored as a new version (new _id) before the old one is retired, so readers
    // never miss it (README, MongoDB vs FerretDB guarantees); an unchanged record must keep its document.
    const now = await e2e.app.db.models.SyncedRecord.find(
      { shopToken: shop.token, resource: 'orders' },
      { recordId: 1, lastUpdateTime: 1 },
    ).lean();
    expect(now.length).toBe(42);
    const nowOf = new Map(now.map((d) => [d.recordId, d]));
    const recreated = kept.filter((k) => {
      const current = nowOf.get(k.recordId);
      if (!current) return true;
      const changed = (current.lastUpdateTime?.getTime() ?? 0) > (k.lastUpdateTime?.getTime() ?? 0);
      return !changed && String(current._id) !== String(k._id);
    });
    expect(recreated).toEqual([]);
    // The reinstall cancelled the pending purge.
    expect(await handle(uninstallWorkflowId(shop.token)).result()).toEqual({ purged: false, records: 0 });
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(stored?.status).toBe('active');
    expect(stored?.uninstalledAt).toBeNull();
    expect(stored?.purgeAfter).toBeNull();
  });

  it('uninstall in the middle of the initial sync: the shop workflow ends cleanly (completed, not failed) and stops calling', async () => {
    // Fault this proves: the syncPages activity failed non-retryably (access revoked) and the ActivityFailure
    // escaped the main loop, so shop:<token> ended FAILED (observed before the catch in workflows/shop-sync.ts).
    const shop = e2e.sandbox.createShop({ token: 'lc-un-3', seed: 33, orders: 250, ordersSpreadDays: 20, grantedAccesses: 'all' });
    // Slow API answers keep the initial sync busy long enough to uninstall inside it.
    e2e.sandbox.faults.set(shop.token, { latencyMs: 700 });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toEqual({ error: false, message: '' });
    await eventually(
      'initial sync running',
      async () => (await handle(shopWorkflowId(shop.token)).query(shopStateQuery)).phase === 'initial-sync',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await handle(shopWorkflowId(shop.token)).query(shopStateQuery)).phase).toBe('initial-sync');
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    e2e.sandbox.faults.clear(shop.token);
    const final = await eventually(
      'shop workflow closed',
      async () => {
        const d = await describeOrNull(shopWorkflowId(shop.token));
        return d && d.status.name !== 'RUNNING' ? d : undefined;
      },
      60_000,
    );
    expect(final.status.name).toBe('COMPLETED');
    const callsAfter = e2e.sandbox.calls.length;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(e2e.sandbox.calls.slice(callsAfter)).toEqual([]);
  });
});
