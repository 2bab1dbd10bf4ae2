// Fulfillment end to end: orders + catalogue; absolute stock written back through the vendor API
// (never stock_increment), order status too, the stockSyncEnabled setting honoured, only declared calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import type { ProfileVersion } from '../../src/profiles/types.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';
import { eventuallyMirrored, expectExactlyDeclaredResources, expectOnlyDeclaredCalls, installLive, vendor } from './profile-kit.js';

describe('profile fulfillment', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  let profile: ProfileVersion;
  beforeAll(async () => {
    e2e = await startE2E('profile_fulfillment', {
      env: { ADDON_PROFILE: 'fulfillment', VENDOR_API_TOKEN: 'e2e-vendor-token-fulfillment' },
    });
    shop = e2e.sandbox.createShop({
      token: 'shop-ful',
      seed: 12,
      orders: 25,
      products: 20,
      customers: 10,
      categories: 4,
      ordersSpreadDays: 20,
    });
    profile = await installLive(e2e, shop);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('syncs exactly the declared resources', async () => {
    expect(profile.profile).toBe('fulfillment');
    await expectExactlyDeclaredResources(e2e, shop, profile);
    expect(shop.webhooks.map((w) => w.event).sort()).toEqual([...profile.webhookEvents].sort());
  });

  it('mirrors product changes that arrive by webhook', async () => {
    shop.mutate({ products: { update: 3, create: 1 } });
    await eventuallyMirrored(e2e, shop, 'products');
  });

  it('writes absolute stock of products and variants back; refuses stock_increment', async () => {
    const withVariants = shop.data.products.find((p) => Array.isArray(p.variants) && p.variants.length > 0 && p.stock !== null)!;
    const plain = shop.data.products.find((p) => p !== withVariants && p.stock !== null)!;
    const variant = (withVariants.variants as Array<Record<string, unknown>>)[0]!;
    const res = await vendor(e2e, 'PUT', `${shop.token}/stock`, {
      items: [
        { code: withVariants.code, stock: 7, variants: [{ code: variant.code, stock: 2 }] },
        { code: plain.code, stock: 0 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.results?.map((r) => r.updated_yn)).toEqual([true, true]);
    const after = shop.data.product(String(withVariants.code))!;
    expect(after.stock).toBe(7);
    expect((after.variants as Array<Record<string, unknown>>).find((v) => v.code === variant.code)?.stock).toBe(2);
    expect(shop.data.product(String(plain.code))!.stock).toBe(0);

    const relative = await vendor(e2e, 'PUT', `${shop.token}/stock`, { items: [{ code: plain.code, stock_increment: -1 }] });
    expect(relative.status).toBe(400);
    expect(relative.body.message).toMatch(/stock_increment/);
    expect(shop.data.product(String(plain.code))!.stock).toBe(0);
    await eventuallyMirrored(e2e, shop, 'products');
  });

  it('stock sync turned off in the settings: 409, nothing written', async () => {
    const product = shop.data.products.find((p) => p.stock !== null)!;
    const { Shop } = e2e.app.db.models;
    const stored = async () => ((await Shop.findOne({ token: shop.token }, { settings: 1 }).lean())?.settings ?? {}) as Record<string, unknown>;
    const write = await Shop.updateOne({ token: shop.token }, { $set: { 'settings.stockSyncEnabled': false } });
    expect(write.matchedCount).toBe(1);
    // CI failed here once with a 200 (the write reached Upgates): FerretDB rewrites the whole document on an
    // update, and the flush after the previous test's webhooks noted lastWebhookAt on the shop document at the
    // same moment, putting the old settings back (fixed: src/db/shop-sync-notes.ts, test/integration/shop-sync-note).
    // Read it back first, and report what was stored if the call still goes through.
    expect(await stored()).toMatchObject({ stockSyncEnabled: false });
    const res = await vendor(e2e, 'PUT', `${shop.token}/stock`, { items: [{ code: product.code, stock: 99 }] });
    expect({ status: res.status, storedAfter: res.status === 409 ? 'not read' : await stored() }).toEqual({ status: 409, storedAfter: 'not read' });
    expect(res.body.message).toMatch(/stockSyncEnabled/);
    expect(shop.data.product(String(product.code))!.stock).not.toBe(99);
    await e2e.app.db.models.Shop.updateOne({ token: shop.token }, { $set: { 'settings.stockSyncEnabled': true } });
  });

  it('writes order status back too', async () => {
    const order = shop.data.orders[0]!;
    const status = shop.data.orderStatuses.map((s) => Number(s.id)).find((id) => id !== order.status_id)!;
    const res = await vendor(e2e, 'PUT', `${shop.token}/orders/${String(order.order_number)}`, { status_id: status });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(shop.data.order(String(order.order_number))).toMatchObject({ status_id: status });
  });

  it('made no call outside the declared accesses', () => {
    const used = expectOnlyDeclaredCalls(e2e, shop, profile);
    expect(used.has('products:PUT')).toBe(true);
    expect(used.has('orders:PUT')).toBe(true);
  });
});
