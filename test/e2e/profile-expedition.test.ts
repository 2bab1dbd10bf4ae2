// Expedition end to end: install with ADDON_PROFILE=expedition, initial sync of exactly the declared
// resources, a webhook flow, order status and tracking code written back through the vendor API (and the
// send_emails_yn setting honoured), and no call outside the manifest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import type { ProfileVersion } from '../../src/profiles/types.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';
import { eventuallyMirrored, expectExactlyDeclaredResources, expectOnlyDeclaredCalls, installLive, vendor } from './profile-kit.js';

describe('profile expedition', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  let profile: ProfileVersion;
  beforeAll(async () => {
    e2e = await startE2E('profile_expedition', { env: { ADDON_PROFILE: 'expedition', VENDOR_API_TOKEN: 'e2e-vendor-token-expedition' } });
    shop = e2e.sandbox.createShop({
      token: 'shop-exp',
      seed: 11,
      orders: 30,
      products: 10,
      customers: 10,
      categories: 3,
      ordersSpreadDays: 20,
    });
    profile = await installLive(e2e, shop);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('syncs exactly the declared resources and registers exactly the declared webhooks', async () => {
    expect(profile.profile).toBe('expedition');
    await expectExactlyDeclaredResources(e2e, shop, profile);
    expect(shop.webhooks.map((w) => w.event).sort()).toEqual([...profile.webhookEvents].sort());
  });

  it('mirrors order changes that arrive by webhook', async () => {
    shop.mutate({ orders: { update: 3, create: 2 } });
    await eventuallyMirrored(e2e, shop, 'orders');
  });

  it('writes status and tracking code back through the vendor API', async () => {
    const order = shop.data.orders[0]!;
    const orderNumber = String(order.order_number);
    const newStatus = shop.data.orderStatuses.map((s) => Number(s.id)).find((id) => id !== order.status_id)!;
    const emailsBefore = shop.data.emailsSent.length;
    const res = await vendor(e2e, 'PUT', `${shop.token}/orders/${orderNumber}`, { status_id: newStatus, tracking_code: 'Z100200300' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, results: [{ order_number: orderNumber, updated_yn: true, messages: [] }] });
    expect(shop.data.order(orderNumber)).toMatchObject({ status_id: newStatus, tracking_code: 'Z100200300' });
    // notifyCustomerOnStatusChange defaults to true: Upgates e-mailed the customer.
    expect(shop.data.emailsSent.length).toBe(emailsBefore + 1);

    // Turned off in the settings: send_emails_yn false, no e-mail.
    await e2e.app.db.models.Shop.updateOne({ token: shop.token }, { $set: { 'settings.notifyCustomerOnStatusChange': false } });
    const other = String(shop.data.orders[1]!.order_number);
    const quiet = await vendor(e2e, 'PUT', `${shop.token}/orders`, {
      orders: [
        { order_number: other, status_id: newStatus },
        { order_number: 'no-such-order', tracking_code: 'X' },
      ],
    });
    expect(quiet.status).toBe(200);
    expect(quiet.body.ok).toBe(false); // one unknown order: per-item result says so
    expect(quiet.body.results?.map((r) => r.updated_yn)).toEqual([true, false]);
    expect(shop.data.order(other)).toMatchObject({ status_id: newStatus });
    expect(shop.data.emailsSent.length).toBe(emailsBefore + 1);

    // The write comes back as Orders.update and the mirror follows.
    await eventuallyMirrored(e2e, shop, 'orders');
  });

  it('refuses actions of other profiles and bad input without touching Upgates', async () => {
    const before = e2e.sandbox.calls.length;
    expect((await vendor(e2e, 'PUT', `${shop.token}/stock`, { items: [{ code: 'X', stock: 1 }] })).status).toBe(409);
    expect((await vendor(e2e, 'PUT', `${shop.token}/subscribers/a%40example.com`, { newsletter_accept: 'no' })).status).toBe(409);
    expect((await vendor(e2e, 'PUT', `${shop.token}/orders/1`, { status: 'Sent' })).status).toBe(400);
    expect((await vendor(e2e, 'PUT', 'no-such-shop/orders/1', { status_id: 1 })).status).toBe(404);
    expect(e2e.sandbox.calls.slice(before).filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('made no call outside the declared accesses', () => {
    const used = expectOnlyDeclaredCalls(e2e, shop, profile);
    expect(used.has('orders:PUT')).toBe(true);
  });
});
