// Issue 19.1 end to end (sandbox over HTTP, real Temporal dev server, FerretDB): the vendor suspends one of two
// shops (PUT /api/vendor/shops/:token/service). While suspended its webhooks are still answered 200 and their ids
// kept, the sandbox's request log shows ZERO API calls for it while the other shop syncs, the iframe shows the
// notice, sync now and back-sync are refused, and the Temporal UI shows SyncPhase=suspended. Resumed, the mirror
// equals the sandbox again: from the kept ids, or (too many ids) from an incremental catch-up from the suspension.
// Uninstall while suspended works as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { shopSyncSettings, signalWithStartShop } from '../../src/temporal/shop-workflow-client.js';
import { SyncPhase } from '../../workflows/search-attributes.js';
import { shopWorkflowId, uninstallWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate, webhookSignal } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { pendingTotal, scheduledActivities, shopState, sleep, waitMirrored, waitPhase } from './shop-sync-helpers.js';

const VENDOR_TOKEN = 'e2e-vendor-token-suspension-0123';
const REASON = 'Invoice 2026-114 is unpaid';

describe('service suspension', () => {
  let e2e: E2E;
  let shopA: SandboxShop; // suspended
  let shopB: SandboxShop; // keeps syncing
  let shopC: SandboxShop; // small id bound, then uninstalled while suspended

  async function vendor(method: string, path: string, body?: unknown, token: string | null = VENDOR_TOKEN) {
    const res = await fetch(`${e2e.addonUrl}/api/vendor/shops/${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const setService = (token: string, body: unknown) => vendor('PUT', `${token}/service`, body);
  const callsFor = (token: string, fromMs: number) => e2e.sandbox.calls.filter((c) => c.shopToken === token && c.startedAt >= fromMs);
  const syncPhaseOf = async (token: string) =>
    (await e2e.app.temporal.workflow.getHandle(shopWorkflowId(token)).describe()).typedSearchAttributes.get(SyncPhase);
  /** No activity of the shop workflow in flight (so a count of calls starts from a quiet shop). */
  const waitIdle = (token: string) =>
    eventually(
      `${token} has no activity in flight`,
      async () => (await e2e.app.temporal.workflow.getHandle(shopWorkflowId(token)).describe()).raw.pendingActivities?.length === 0,
      60_000,
      250,
    );
  const storedService = async (token: string) => (await e2e.app.db.models.Shop.findOne({ token }).lean())?.service ?? null;

  async function install(shop: SandboxShop) {
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toEqual({ error: false, message: '' });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
    await waitMirrored(e2e, shop, 'orders');
  }

  async function iframe(shop: SandboxShop, language: 'en' | 'cs') {
    const open = await e2e.sandbox.lifecycle.open(shop.token, { addonUrl: e2e.addonUrl, language });
    const url = (open.body as { url: string }).url;
    const page = await fetch(url);
    return { status: page.status, html: await page.text(), session: new URL(url).searchParams.get('session')! };
  }

  beforeAll(async () => {
    e2e = await startE2E('suspension', {
      env: { ADDON_PROFILE: 'expedition', VENDOR_API_TOKEN: VENDOR_TOKEN, RECONCILE_PERIOD_SECONDS: '20' },
    });
    const create = (token: string, seed: number) =>
      e2e.sandbox.createShop({ token, seed, orders: 25, products: 5, customers: 5, categories: 2, ordersSpreadDays: 10 });
    shopA = create('shop-susp-a', 91);
    shopB = create('shop-susp-b', 92);
    shopC = create('shop-susp-c', 93);
    // Shop C keeps at most 5 ids while suspended and reconciles once a day (so only the resume catches up).
    await signalWithStartShop(e2e.app.temporal, e2e.app.config, shopC.token, 'expedition', webhookSignal, [], {
      ...shopSyncSettings(e2e.app.config),
      suspendedMaxIds: 5,
      reconcilePeriodMs: 24 * 3600 * 1000,
    });
    for (const shop of [shopA, shopB, shopC]) await install(shop);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('PUT .../service: 400 for a bad body, 404 for an unknown shop, 401 without the token; nothing stored', async () => {
    for (const body of [
      { state: 'paused' },
      { state: 'suspended', reason: '' },
      { state: 'suspended', reason: 'x'.repeat(501) },
      { state: 'suspended', note: 'unknown field' },
      {},
      '"suspended"',
    ]) {
      const res = await setService(shopA.token, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      // A JSON string is refused by the body parser itself (the app's error handler), objects by the route's zod.
      if (typeof body === 'object') expect(String(res.body.message)).toMatch(/Invalid request: .*Nothing was changed/);
    }
    expect(await setService('no-such-shop', { state: 'suspended' })).toMatchObject({ status: 404 });
    expect((await vendor('PUT', `${shopA.token}/service`, { state: 'suspended' }, null)).status).toBe(401);
    expect((await vendor('PUT', `${shopA.token}/service`, { state: 'suspended' }, 'wrong-token')).status).toBe(401);
    expect(await storedService(shopA.token)).toBeNull();
    expect((await shopState(e2e.app.temporal, shopA.token)).suspension).toBeNull();
  });

  it('suspended: webhooks answered 200 and kept, zero API calls for it while the other shop syncs, notice, refusals; resumed: mirror equals the sandbox', async () => {
    await waitIdle(shopA.token);
    const suspend = await setService(shopA.token, { state: 'suspended', reason: REASON });
    const suspendedAt = Date.now();
    expect(suspend).toMatchObject({ status: 200, body: { shop: shopA.token, state: 'suspended', reason: REASON } });
    expect(await storedService(shopA.token)).toMatchObject({ state: 'suspended', reason: REASON });
    await eventually('SyncPhase=suspended in the Temporal UI', async () => (await syncPhaseOf(shopA.token)) === 'suspended', 30_000);
    expect(await syncPhaseOf(shopB.token)).toBe('live');

    // Changes in both shops, delivered by webhook.
    const deliveriesBefore = e2e.sandbox.deliveries.length;
    const changedA = shopA.data.orders.slice(0, 4).map((o) => String(o.order_number));
    for (const num of changedA) expect(shopA.updateOrder(num, { internal_note: 'changed while suspended' }).ok).toBe(true);
    const createdA = shopA.createOrder();
    const deletedA = String(shopA.data.orders[6]!.order_number);
    expect(shopA.deleteOrder(deletedA)).toBe(true);
    shopB.mutate({ orders: { update: 4, create: 1 } });
    await e2e.sandbox.flushWebhooks();
    await e2e.sandbox.waitForDeliveriesIdle(60_000);

    // Every delivery to the suspended shop was answered 200 (Upgates deactivates webhooks after 12 h of
    // failures), and its ids are kept in the shop workflow. Under load an attempt may see no answer within
    // Upgates' 1 s (0) or a 503 (Temporal slow) and is redelivered, as for any shop; never another status.
    const toA = e2e.sandbox.deliveries.slice(deliveriesBefore).filter((d) => d.shopToken === shopA.token);
    expect(toA.length).toBeGreaterThan(0);
    for (const d of toA) {
      expect(d.state).toBe('delivered');
      expect(d.attempts.at(-1)?.status).toBe(200);
      expect(d.attempts.filter((a) => ![200, 503, 0].includes(a.status))).toEqual([]);
    }
    const kept = await eventually(
      'ids kept by the suspended shop',
      async () => {
        const st = await shopState(e2e.app.temporal, shopA.token);
        return pendingTotal(st) >= changedA.length + 2 ? st : undefined;
      },
      30_000,
    );
    expect(kept.suspension).toMatchObject({ reason: REASON, droppedIds: 0 });

    // The other shop syncs meanwhile.
    await waitMirrored(e2e, shopB, 'orders', 60_000);

    // Past the reconciliation period (20 s) and the debounce (quiet 1 s, max 5 s): still nothing for shop A.
    await sleep(Math.max(0, suspendedAt + 22_000 - Date.now()));

    // Sync now: refused by the workflow with the reason, and in the iframe (409, the reason shown).
    const handleA = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shopA.token));
    expect(await handleA.executeUpdate(syncNowUpdate)).toMatchObject({ accepted: false, reason: 'suspended', message: REASON });
    const page = await iframe(shopA, 'en');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Service suspended');
    expect(page.html).toContain(`Reason: ${REASON}`);
    expect(page.html).toContain('contact the add-on provider');
    expect(page.html).toMatch(/<button type="submit" class="secondary"[^>]*disabled/);
    const pageCs = await iframe(shopA, 'cs');
    expect(pageCs.html).toContain('Služba pozastavena');
    expect(pageCs.html).toContain(`Důvod: ${REASON}`);
    // The other shop's page has no notice.
    expect((await iframe(shopB, 'en')).html).not.toContain('Service suspended');
    const syncNow = await fetch(`${e2e.addonUrl}/app/sync-now`, {
      method: 'POST',
      headers: { authorization: `Bearer ${page.session}`, accept: 'application/json' },
    });
    expect(syncNow.status).toBe(409);
    expect(((await syncNow.json()) as { message: string }).message).toContain(REASON);

    // A back-sync write is refused before it reaches the workflow; the sandbox order is unchanged.
    const target = shopA.data.orders[10]!;
    const trackingBefore = target.tracking_code;
    const write = await vendor('PUT', `${shopA.token}/orders/${String(target.order_number)}`, { tracking_code: 'Z-SUSPENDED-1' });
    expect(write.status).toBe(409);
    expect(String(write.body.message)).toMatch(/service suspended/i);
    expect(shopA.data.order(String(target.order_number))?.tracking_code).toBe(trackingBefore);
    // The same write for the active shop goes through (the route itself works).
    const writeB = await vendor('PUT', `${shopB.token}/orders/${String(shopB.data.orders[10]!.order_number)}`, {
      tracking_code: 'Z-ACTIVE-1',
    });
    expect(writeB.status).toBe(200);

    // ZERO Upgates requests for the suspended shop since the 200, while the other shop made some.
    const suspendedCalls = callsFor(shopA.token, suspendedAt);
    const otherCalls = callsFor(shopB.token, suspendedAt);
    console.log(
      `suspended ${Math.round((Date.now() - suspendedAt) / 1000)} s: shop A ${suspendedCalls.length} API calls, shop B ${otherCalls.length}; ` +
        `${toA.length} deliveries to A answered 200; ${pendingTotal(await shopState(e2e.app.temporal, shopA.token))} ids kept`,
    );
    expect(suspendedCalls.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(otherCalls.length).toBeGreaterThan(0);
    // The mirror is behind the shop (the changes were held, not fetched).
    const behind = await diffMirror(e2e.app.db, shopA, 'orders');
    expect(behind.stale.length + behind.missing.length + behind.extra.length).toBeGreaterThan(0);

    // Resume: the kept ids are fetched, then normal operation.
    const resumedAt = Date.now();
    expect(await setService(shopA.token, { state: 'active' })).toMatchObject({ status: 200, body: { state: 'active', reason: null } });
    const diff = await waitMirrored(e2e, shopA, 'orders', 60_000);
    expect(diff.checked).toBe(shopA.data.orders.length);
    const tombstone = await e2e.app.db.models.SyncedRecord.findOne({
      shopToken: shopA.token,
      resource: 'orders',
      recordId: deletedA,
    }).lean();
    expect(tombstone?.deleted).toBe(true);
    expect(await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shopA.token, resource: 'orders', recordId: createdA })).toBe(1);
    expect(callsFor(shopA.token, resumedAt).length).toBeGreaterThan(0);
    await eventually('SyncPhase back to live', async () => (await syncPhaseOf(shopA.token)) === 'live', 30_000);
    expect((await shopState(e2e.app.temporal, shopA.token)).suspension).toBeNull();
    expect((await iframe(shopA, 'en')).html).not.toContain('Service suspended');
    // Back-sync works again.
    const after = await vendor('PUT', `${shopA.token}/orders/${String(target.order_number)}`, { tracking_code: 'Z-RESUMED-1' });
    expect(after.status).toBe(200);
    expect(shopA.data.order(String(target.order_number))?.tracking_code).toBe('Z-RESUMED-1');
  });

  it('too many ids while suspended: dropped, and the resume catches up incrementally from the suspension time', async () => {
    const suspend = await setService(shopC.token, { state: 'suspended', reason: 'contract ended' });
    const suspendedAt = Date.now();
    expect(suspend.status).toBe(200);
    const since = String(suspend.body.since);
    // Suspended again: the reason changes, the start stays (the catch-up must reach back to the first one).
    const again = await setService(shopC.token, { state: 'suspended', reason: 'contract ended (2nd notice)' });
    expect(again.body).toMatchObject({ state: 'suspended', since, reason: 'contract ended (2nd notice)' });

    const changed = shopC.data.orders.slice(0, 12).map((o) => String(o.order_number));
    for (const num of changed) expect(shopC.updateOrder(num, { internal_note: 'changed while suspended (many)' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    await e2e.sandbox.waitForDeliveriesIdle(60_000);
    const state = await eventually(
      'ids over the bound dropped',
      async () => {
        const st = await shopState(e2e.app.temporal, shopC.token);
        return (st.suspension?.droppedIds ?? 0) > 0 ? st : undefined;
      },
      30_000,
    );
    expect(pendingTotal(state)).toBeLessThanOrEqual(5);
    expect(state.suspension).toMatchObject({ reason: 'contract ended (2nd notice)', since });
    await sleep(3_000);
    expect(callsFor(shopC.token, suspendedAt)).toEqual([]);

    const catchUpsBefore = (await scheduledActivities(e2e.app.temporal, shopC.token)).filter((a) => a.type === 'catchUp').length;
    expect((await setService(shopC.token, { state: 'active' })).status).toBe(200);
    const diff = await waitMirrored(e2e, shopC, 'orders', 60_000);
    expect(diff.checked).toBe(shopC.data.orders.length);
    await waitIdle(shopC.token);
    // One incremental catch-up, from the suspension's start less the 60 s clock-skew margin (never a full download).
    const catchUps = (await scheduledActivities(e2e.app.temporal, shopC.token)).filter((a) => a.type === 'catchUp').slice(catchUpsBefore);
    expect(catchUps.map((a) => a.input.since)).toEqual([new Date(Date.parse(since) - 60_000).toISOString()]);
    expect((await shopState(e2e.app.temporal, shopC.token)).suspension).toBeNull();
  });

  it('uninstall while suspended works as usual: the shop workflow ends, no API call, the service route then answers 404', async () => {
    await waitIdle(shopC.token);
    const from = Date.now();
    expect((await setService(shopC.token, { state: 'suspended' })).status).toBe(200);
    await eventually('SyncPhase=suspended', async () => (await syncPhaseOf(shopC.token)) === 'suspended', 30_000);
    const callsBefore = e2e.sandbox.calls.length;
    const uninstall = await e2e.sandbox.lifecycle.uninstall(shopC.token, { addonUrl: e2e.addonUrl });
    expect(uninstall).toMatchObject({ status: 200, body: { error: false, message: '' } });
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shopC.token));
    expect(await handle.result()).toMatchObject({ phase: 'uninstalled' });
    expect(await syncPhaseOf(shopC.token)).toBe('uninstalled');
    expect((await e2e.app.temporal.workflow.getHandle(uninstallWorkflowId(shopC.token)).describe()).status.name).toBe('RUNNING');
    const stored = await e2e.app.db.models.Shop.findOne({ token: shopC.token }).lean();
    expect(stored).toMatchObject({ status: 'uninstalled', credentials: null });
    await sleep(1_500);
    // Not even a refused call without a shop token.
    expect(
      e2e.sandbox.calls
        .slice(callsBefore)
        .filter((c) => c.shopToken === shopC.token || c.shopToken === null)
        .map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toEqual([]);
    expect(callsFor(shopC.token, from)).toEqual([]);
    expect(await setService(shopC.token, { state: 'active' })).toMatchObject({ status: 404 });
  });
});
