// Issue 13.2: Upgates answers 403 both for an access the add-on was not granted and for a login block (5
// failed logins from the IP within an hour; every login from it is refused for up to an hour). The client
// tells them apart with one call to /webhooks, which every API user may read:
// - not granted: recorded on the shop, the resource skipped (the others still sync), shown in the iframe;
// - login block: the shop's calls wait until the block ends (Retry-After when Upgates sends one, else an hour).
// Neither ends the shop workflow as FAILED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAccesses, type SandboxShop } from '../../sandbox/index.js';
import { accessesNotGranted, accessesNotGrantedNotice } from '../../src/shops/api-access-state.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { scheduledActivities, shopState, sleep, waitMirrored, waitPhase } from './shop-sync-helpers.js';

const HOUR = 3_600_000;

describe('API 403: access not granted vs login block', () => {
  let e2e: E2E;
  let partial: SandboxShop;
  let blockedLong: SandboxShop;
  let blockedShort: SandboxShop;
  beforeAll(async () => {
    // Expedition profile: orders, plus the code lists owner, languages, order statuses, shipments, payments.
    e2e = await startE2E('api_403_meanings', { env: { SYNC_NOW_COOLDOWN_SECONDS: '1' } });
    partial = e2e.sandbox.createShop({
      token: 'forbidden-payments',
      seed: 4031,
      orders: 10,
      ordersSpreadDays: 20,
      products: 3,
      grantedAccesses: allAccesses(['GET', 'POST', 'PUT', 'DELETE']).filter((a) => a !== 'payments:GET'),
    });
    blockedLong = e2e.sandbox.createShop({ token: 'blocked-hour', seed: 4032, orders: 10, products: 3, ordersSpreadDays: 20 });
    blockedShort = e2e.sandbox.createShop({ token: 'blocked-retry-after', seed: 4033, orders: 10, products: 3, ordersSpreadDays: 20 });
    for (const shop of [partial, blockedLong, blockedShort])
      expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await Promise.all([partial, blockedLong, blockedShort].map((shop) => waitPhase(e2e.app.temporal, shop.token, 'live')));
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const shopDoc = (token: string) => e2e.app.db.models.Shop.findOne({ token }).lean();
  const callsOf = (shop: SandboxShop) => e2e.sandbox.calls.filter((c) => c.shopToken === shop.token);
  /** Five failed logins from this test's IP (127.0.0.1, the app's too): Upgates blocks every login from it. */
  async function blockTheIp(shop: SandboxShop) {
    const auth = `Basic ${Buffer.from('someone-else:wrong-key').toString('base64')}`;
    for (let k = 0; k < 5; k++) expect((await fetch(`${shop.apiUrl}/owner`, { headers: { authorization: auth } })).status).toBe(401);
    expect((await fetch(`${shop.apiUrl}/status`, { headers: { authorization: auth } })).status).toBe(403);
  }

  it('an access not granted is recorded once, skipped, shown in the iframe; the other resources sync', async () => {
    const doc = (await shopDoc(partial.token))!;
    expect(accessesNotGranted(doc)).toEqual(['payments:GET']);
    expect(accessesNotGrantedNotice(doc, 'en')).toContain('payments:GET');
    // The initial sync went on past payments: orders and the other code lists are mirrored.
    expect((await waitMirrored(e2e, partial)).checked).toBe(10);
    const mirrored = await e2e.app.db.models.SyncedRecord.distinct('resource', { shopToken: partial.token });
    expect(mirrored).toEqual(expect.arrayContaining(['orders', 'languages', 'orderStatuses', 'shipments']));
    expect(mirrored).not.toContain('payments');

    // "Sync now" catches up every resource again but sends no request for the refused one.
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(partial.token));
    const paymentsCalls = () => callsOf(partial).filter((c) => c.access === 'payments:GET').length;
    expect(paymentsCalls()).toBe(1);
    const reconciledBefore = (await shopState(e2e.app.temporal, partial.token)).lastReconcileAt;
    expect(await handle.executeUpdate(syncNowUpdate)).toMatchObject({ accepted: true });
    await eventually(
      'sync now done',
      async () => {
        const state = await shopState(e2e.app.temporal, partial.token);
        return state.lastReconcileAt !== reconciledBefore && !state.syncNowRunning;
      },
      60_000,
      500,
    );
    expect(paymentsCalls()).toBe(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // The merchant's page shows it.
    const opened = await e2e.sandbox.lifecycle.open(partial.token, { addonUrl: e2e.addonUrl, language: 'en' });
    const page = await (await fetch((opened.body as { url: string }).url)).text();
    expect(page).toContain('payments:GET');
  });

  it('a login block without Retry-After: the shop waits an hour, sends nothing meanwhile, is not failed', async () => {
    await blockTheIp(blockedLong);
    const order = String(blockedLong.data.orders[0]!.order_number);
    expect(blockedLong.updateOrder(order, { internal_note: 'changed during a login block' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    const doc = await eventually('login block stored', async () => {
      const d = await shopDoc(blockedLong.token);
      return d?.loginBlockedUntil ? d : undefined;
    });
    const waitMs = doc!.loginBlockedUntil!.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(HOUR - 120_000);
    expect(waitMs).toBeLessThanOrEqual(HOUR + 1_000);
    // The probe told the meanings apart: nothing was recorded as "not granted".
    expect(accessesNotGranted(doc!)).toEqual([]);
    const refusedSoFar = e2e.sandbox.calls.filter((c) => c.status === 403).length;
    await sleep(5_000);
    // The fetch (403) and the probe (403), then silence: the activity waits for Temporal's retry in an hour.
    expect(e2e.sandbox.calls.filter((c) => c.status === 403).length).toBe(refusedSoFar);
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(blockedLong.token));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const fetches = (await scheduledActivities(e2e.app.temporal, blockedLong.token)).filter((a) => a.type === 'fetchAndUpsert');
    expect(fetches.length).toBeGreaterThan(0);
  });

  it('a login block with Retry-After: the shop waits exactly that long and then syncs', async () => {
    e2e.sandbox.clearFailedLogins();
    e2e.sandbox.config.loginBlockRetryAfter = true;
    await blockTheIp(blockedShort);
    // Most of the floating hour has passed: the block ends in about 8 s (sandbox clock).
    e2e.sandbox.clock.advance(HOUR - 8_000);
    const order = String(blockedShort.data.orders[0]!.order_number);
    expect(blockedShort.updateOrder(order, { internal_note: 'changed near the end of a login block' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    const doc = await eventually('short login block stored', async () => {
      const d = await shopDoc(blockedShort.token);
      return d?.loginBlockedUntil ? d : undefined;
    });
    expect(doc!.loginBlockedUntil!.getTime() - Date.now()).toBeLessThan(15_000);
    const diff = await eventually(
      'changed order synced after the block',
      async () => {
        const d = await diffMirror(e2e.app.db, blockedShort, 'orders');
        return d.missing.length + d.stale.length + d.extra.length === 0 ? d : undefined;
      },
      60_000,
      1_000,
    );
    expect(diff.checked).toBe(10);
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(blockedShort.token));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const fetches = (await scheduledActivities(e2e.app.temporal, blockedShort.token)).filter((a) => a.type === 'fetchAndUpsert');
    // The same activity, retried by Temporal after the block (no step failure, no lost ids).
    expect(Math.max(...fetches.map((a) => a.attempts))).toBeGreaterThanOrEqual(2);
  });
});
