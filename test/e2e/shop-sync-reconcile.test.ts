// Acceptance (fulfillment profile, reconciliation every 20 s at the shop's slot): a webhook Upgates deactivated
// is re-enabled and the changes made behind it are caught up; "sync now" is single-flight with a cooldown;
// order deletes become tombstones; a deleted variant makes us refetch its product.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteVariant } from '../../sandbox/data/mutate.js';
import type { SandboxShop } from '../../sandbox/index.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { scheduledActivities, shopState, waitMirrored, waitPhase } from './shop-sync-helpers.js';

describe('shop sync: reconciliation, sync now, deletes', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  let installStartedAt = 0;
  beforeAll(async () => {
    e2e = await startE2E('reconcile', {
      env: { ADDON_PROFILE: 'fulfillment', RECONCILE_PERIOD_SECONDS: '20', SYNC_NOW_COOLDOWN_SECONDS: '60' },
    });
    shop = e2e.sandbox.createShop({
      token: 'shop-reconcile-1',
      seed: 61,
      orders: 40,
      products: 20,
      ordersSpreadDays: 30,
      grantedAccesses: 'all',
    });
    installStartedAt = Date.now();
    const install = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    expect(install.body).toMatchObject({ error: false });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('re-enables a webhook Upgates deactivated and catches up the changes made behind it', async () => {
    const hook = shop.webhooks.find((w) => w.event === 'Orders.update')!;
    shop.deactivateWebhook(hook.id);
    const deliveriesBefore = e2e.sandbox.deliveries.length;
    const changed = shop.data.orders.slice(0, 5).map((o) => String(o.order_number));
    for (const num of changed) expect(shop.updateOrder(num, { internal_note: 'changed behind a dead webhook' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    // Nothing was delivered for them: only the reconciliation can bring them in.
    expect(e2e.sandbox.deliveries.slice(deliveriesBefore).filter((d) => d.event === 'Orders.update' && d.state === 'delivered')).toEqual(
      [],
    );
    // Stale now (a reconciliation slot may already have caught some of them up: the period is only 20 s).
    const staleBefore = (await diffMirror(e2e.app.db, shop, 'orders')).stale;
    expect(staleBefore.every((id) => changed.includes(id))).toBe(true);

    await eventually(
      'webhook re-enabled by the reconciliation',
      () => shop.webhooks.find((w) => w.event === 'Orders.update')?.active_yn === true,
      60_000,
      500,
    );
    const diff = await eventually(
      'changed orders caught up',
      async () => {
        const d = await diffMirror(e2e.app.db, shop, 'orders');
        return d.missing.length + d.stale.length + d.extra.length === 0 ? d : undefined;
      },
      60_000,
      1_000,
    );
    expect(diff.checked).toBe(40);
    // Re-enabled, not duplicated.
    expect(shop.webhooks.filter((w) => w.event === 'Orders.update')).toHaveLength(1);
    // The catch-up activity writes the records before it returns; the workflow records the reconciliation
    // right after, so wait for that instead of reading it in the same instant.
    const state = await eventually(
      'reconciliation recorded',
      async () => {
        const st = await shopState(e2e.app.temporal, shop.token);
        return st.lastReconcileAt !== null ? st : undefined;
      },
      60_000,
      500,
    );
    expect(state.lastReconcileAt).not.toBeNull();
    // Incremental catch-up only: every catch-up the workflow scheduled asked for changes since the install
    // (less the workflow's 60 s clock-skew margin), never for everything; that window holds fewer orders than
    // the shop has, so the catch-up cannot have been a full re-download.
    const catchUps = (await scheduledActivities(e2e.app.temporal, shop.token)).filter((a) => a.type === 'catchUp');
    expect(catchUps.length).toBeGreaterThan(0);
    const since = catchUps.map((a) => Date.parse(String(a.input.since)));
    const SKEW_MS = 60_000;
    for (const t of since) expect(t).toBeGreaterThanOrEqual(installStartedAt - SKEW_MS - 5_000);
    const windowStart = Math.min(...since);
    const inWindow = shop.data.orders.filter((o) => Date.parse(String(o.last_update_time)) >= windowStart);
    expect(inWindow.length).toBeLessThan(shop.data.orders.length);
    for (const num of changed) expect(inWindow.map((o) => String(o.order_number))).toContain(num);
    console.log(
      `webhook health ${state.webhookHealth}; ${catchUps.length} catch-ups since ${new Date(windowStart).toISOString()} (install ${new Date(installStartedAt).toISOString()}): ${inWindow.length} of ${shop.data.orders.length} orders in the window; next reconcile ${state.nextReconcileAt}`,
    );
  });

  it('"sync now" twice quickly: one accepted, one refused with a reason and retryAfterSeconds > 0', async () => {
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token));
    const [a, b] = await Promise.all([handle.executeUpdate(syncNowUpdate), handle.executeUpdate(syncNowUpdate)]);
    const results = [a, b];
    console.log('sync now results', JSON.stringify(results));
    expect(results.filter((r) => r.accepted)).toHaveLength(1);
    const refused = results.find((r) => !r.accepted);
    expect(refused).toMatchObject({ accepted: false, reason: expect.stringMatching(/^(running|cooldown)$/) });
    expect(refused && !refused.accepted && refused.retryAfterSeconds).toBeGreaterThan(0);
    // After it ran, the cooldown still refuses, with the remaining seconds.
    await eventually('sync now finished', async () => !(await shopState(e2e.app.temporal, shop.token)).syncNowRunning, 60_000, 500);
    const third = await handle.executeUpdate(syncNowUpdate);
    expect(third).toMatchObject({ accepted: false, reason: 'cooldown' });
    expect(!third.accepted && third.retryAfterSeconds).toBeGreaterThan(0);
    expect(!third.accepted && third.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('Orders.delete becomes a tombstone; the mirror still equals the shop', async () => {
    const victims = shop.data.orders.slice(10, 13).map((o) => String(o.order_number));
    for (const num of victims) expect(shop.deleteOrder(num)).toBe(true);
    await waitMirrored(e2e, shop, 'orders', 60_000);
    const docs = await e2e.app.db.models.SyncedRecord.find({
      shopToken: shop.token,
      resource: 'orders',
      recordId: { $in: victims },
    }).lean();
    expect(docs).toHaveLength(3);
    for (const doc of docs) {
      expect(doc.deleted).toBe(true);
      expect(doc.deletedAt).toBeInstanceOf(Date);
    }
  });

  it('a Products.delete listing only a variant refetches the parent product', async () => {
    const product = shop.data.products.find((p) => Array.isArray(p.variants) && (p.variants as unknown[]).length > 1)!;
    expect(product).toBeDefined();
    const variant = (product.variants as Array<{ variant_id: number; code: string }>)[0]!;
    // Delete the variant in the sandbox silently (no Products.update), so only our own delivery below can
    // make the app notice: it must find the parent in the mirror and refetch it.
    expect(deleteVariant({ ...shop.mutationContext, emit: () => undefined }, variant.code)).toBe(true);
    expect((await diffMirror(e2e.app.db, shop, 'products')).stale).toEqual([String(product.product_id)]);
    const hook = shop.webhooks.find((w) => w.event === 'Products.delete')!;
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project_name: shop.projectName,
        products: [],
        variants: [{ variant_id: variant.variant_id, code: variant.code, deletion_time: new Date().toISOString() }],
      }),
    });
    expect(res.status).toBe(200);
    await waitMirrored(e2e, shop, 'products', 60_000);
    const doc = await e2e.app.db.models.SyncedRecord.findOne({
      shopToken: shop.token,
      resource: 'products',
      recordId: String(product.product_id),
    }).lean();
    expect(doc?.deleted).toBe(false);
    expect(JSON.stringify(doc?.data)).not.toContain(`"variant_id":${variant.variant_id},`);
  });
});
