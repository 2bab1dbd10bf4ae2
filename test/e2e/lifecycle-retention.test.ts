// Retention after uninstall, end to end with a retention of a few seconds (UNINSTALL_RETENTION_SECONDS):
// the synced data is purged by the uninstall workflow's durable timer, a reinstall inside the period cancels
// the purge, and a reinstall after the purge syncs everything again. Real Temporal dev server and FerretDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { shopWorkflowId, uninstallWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';

const RETENTION_SECONDS = 6;

describe('retention purge after uninstall', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('lc_retention', { env: { UNINSTALL_RETENTION_SECONDS: String(RETENTION_SECONDS) } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  let answeredAt = 0;
  const handle = (id: string) => e2e.app.temporal.workflow.getHandle(id);
  const records = (token: string) => e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: token });
  async function install(shop: SandboxShop) {
    const result = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    expect(result.body).toEqual({ error: false, message: '' });
    answeredAt = Date.now();
    return eventually(
      `shop ${shop.token} live`,
      async () => {
        const state = await handle(shopWorkflowId(shop.token)).query(shopStateQuery);
        // The workflow of this installation: a completed run from before the uninstall does not count.
        const described = await handle(shopWorkflowId(shop.token)).describe();
        return state.phase === 'live' && described.status.name === 'RUNNING' ? state : undefined;
      },
      90_000,
    );
  }

  it('purges the synced data after the retention period; a later reinstall syncs everything again', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-ret-purge', seed: 41, orders: 25, ordersSpreadDays: 20, grantedAccesses: 'all' });
    await install(shop);
    const before = await records(shop.token);
    expect(before).toBeGreaterThanOrEqual(25);
    const uninstalledAt = Date.now();
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(Math.abs(stored!.purgeAfter!.getTime() - (stored!.uninstalledAt!.getTime() + RETENTION_SECONDS * 1000))).toBeLessThan(5);
    // Not purged at once: the data is there during the period.
    expect(await records(shop.token)).toBe(before);

    const result = await handle(uninstallWorkflowId(shop.token)).result();
    expect(result).toEqual({ purged: true, records: before });
    expect(Date.now() - uninstalledAt).toBeGreaterThanOrEqual(RETENTION_SECONDS * 1000 - 500);
    expect(await records(shop.token)).toBe(0);
    // The shop document goes too (issue 21: nothing of the shop is kept; personal-data-erasure.test.ts
    // searches every collection). A late uninstall callback finds nothing to do and still answers 200.
    expect(await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean()).toBeNull();
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    expect(await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean()).toBeNull();

    // Reinstall after the purge: a new installation, nothing to catch up from, so a full initial sync.
    const state = await install(shop);
    expect(state.initialSync?.catchUpFrom).toBeUndefined();
    const diff = await diffMirror(e2e.app.db, shop, 'orders');
    expect({ missing: diff.missing.length, stale: diff.stale.length, extra: diff.extra.length }).toEqual({
      missing: 0,
      stale: 0,
      extra: 0,
    });
  });

  it('a reinstall inside the period cancels the purge: the data survives past the original deadline', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-ret-keep', seed: 42, orders: 25, ordersSpreadDays: 20, grantedAccesses: 'all' });
    await install(shop);
    const before = await records(shop.token);
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    const deadline = (await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())!.purgeAfter!.getTime();
    await eventually(
      'old shop workflow completed',
      async () => (await handle(shopWorkflowId(shop.token)).describe()).status.name === 'COMPLETED',
      30_000,
    );
    const state = await install(shop);
    expect(answeredAt).toBeLessThan(deadline); // the reinstall really was inside the period
    expect(state.initialSync?.catchUpFrom).toBeDefined();
    expect(await handle(uninstallWorkflowId(shop.token)).result()).toEqual({ purged: false, records: 0 });
    // Ended by the cancel signal, not by the timer (whose purge activity would also refuse an active shop and
    // return the same result): so it closed before the deadline.
    const closed = (await handle(uninstallWorkflowId(shop.token)).describe()).closeTime;
    expect(closed!.getTime()).toBeLessThan(deadline);

    // Past the original deadline (plus slack for a late timer), everything is still there.
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 3_000));
    expect(await records(shop.token)).toBeGreaterThanOrEqual(before);
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(stored).toMatchObject({ status: 'active', purgeAfter: null, uninstalledAt: null });
    expect(stored?.credentials).not.toBeNull();
  });
});
