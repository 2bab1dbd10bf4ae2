// Emailing end to end: customers, categories, products and languages mirrored; conversion codes created at
// install; a Languages.create webhook fetches the new language; consent, new contacts and campaign coupons
// written back through the vendor API; only declared calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import type { ProfileVersion } from '../../src/profiles/types.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';
import { eventuallyMirrored, expectExactlyDeclaredResources, expectOnlyDeclaredCalls, installLive, vendor } from './profile-kit.js';

describe('profile emailing', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  let profile: ProfileVersion;
  beforeAll(async () => {
    e2e = await startE2E('profile_emailing', { env: { ADDON_PROFILE: 'emailing', VENDOR_API_TOKEN: 'e2e-vendor-token-emailing' } });
    shop = e2e.sandbox.createShop({
      token: 'shop-eml',
      seed: 13,
      orders: 5,
      products: 15,
      customers: 25,
      categories: 4,
      languages: ['cs', 'sk'],
    });
    profile = await installLive(e2e, shop);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('syncs exactly the declared resources and creates the declared conversion codes', async () => {
    expect(profile.profile).toBe('emailing');
    await expectExactlyDeclaredResources(e2e, shop, profile);
    expect(shop.webhooks.map((w) => w.event).sort()).toEqual([...profile.webhookEvents].sort());
    // A declaration without language_id is written once per language mutation (Upgates keys codes by both).
    const languages = shop.data.languages.map((l) => String(l.language_id));
    const expected = (profile.conversionCodes ?? []).flatMap((c) =>
      (c.language_id ? [c.language_id] : languages).map((lang) => `${c.position}/${lang}:${c.code}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(shop.conversionCodes.map((c) => `${c.position}/${c.language_id}:${c.code}`).sort()).toEqual(expected.sort());
  });

  it('mirrors customer changes that arrive by webhook', async () => {
    shop.mutate({ customers: { update: 3, create: 1 } });
    await eventuallyMirrored(e2e, shop, 'customers');
  });

  it('a Languages.create webhook fetches the new language', async () => {
    // The sandbox only emits Orders/Products/Customers/Categories events, so we add the mutation to its data
    // and deliver the Languages.create call to the URL our add-on registered, as Upgates would.
    const languages = shop.store.catalog.languages;
    languages.push({
      ...languages[0]!,
      language_id: 'en',
      actual_language_id: 'en',
      default_yn: false,
      currency_id: 'EUR',
      domain: 'en.example.com',
    });
    const hook = shop.webhooks.find((w) => w.event === 'Languages.create')!;
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project_name: shop.projectName, languages: [{ language_id: 'en', creation_time: new Date().toISOString() }] }),
    });
    expect(res.status).toBe(200);
    await eventuallyMirrored(e2e, shop, 'languages');
    expect(await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource: 'languages', recordId: 'en' })).toBe(1);
  });

  it('writes newsletter consent back and creates contacts that exist only on our side', async () => {
    const customer = shop.data.customers.find((c) => c.newsletter_accept !== 'no')!;
    const email = String((customer.login as { email: string }).email);
    const consent = await vendor(e2e, 'PUT', `${shop.token}/subscribers/${encodeURIComponent(email)}`, { newsletter_accept: 'no' });
    expect(consent.status).toBe(200);
    expect(consent.body).toMatchObject({ ok: true, results: [{ updated_yn: true }] });
    expect(shop.data.customer(email)).toMatchObject({ newsletter_accept: 'no' });

    const created = await vendor(e2e, 'POST', `${shop.token}/subscribers`, {
      subscribers: [{ email: 'new.subscriber@example.com', language: 'sk' }, { email: 'second@example.com' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.results?.map((r) => r.inserted_yn)).toEqual([true, true]);
    expect(shop.data.customer('new.subscriber@example.com')).toMatchObject({ type: 'contact', newsletter_accept: 'yes' });
    // Creating the same contact again: Upgates refuses the duplicate per item, nothing else happens.
    const again = await vendor(e2e, 'POST', `${shop.token}/subscribers`, { email: 'second@example.com' });
    expect(again).toMatchObject({ status: 200, body: { ok: false, results: [{ inserted_yn: false }] } });
    await eventuallyMirrored(e2e, shop, 'customers');
  });

  it('creates and deletes campaign coupons', async () => {
    const created = await vendor(e2e, 'POST', `${shop.token}/campaigns/spring-25/vouchers`, {
      count: 3,
      type: 'percentage',
      currency_id: 'CZK',
      amount: 15,
    });
    expect(created.status).toBe(200);
    const codes = created.body.results!.map((r) => String(r.voucher_code));
    expect(codes).toHaveLength(3);
    const mine = shop.vouchers.filter((v) => codes.includes(v.voucher_code));
    expect(mine).toHaveLength(3);
    expect(mine[0]).toMatchObject({ note: 'campaign spring-25', type: 'percentage', amount: 15, currency_id: 'CZK' });
    expect(mine[0]!.date_to).not.toBeNull(); // voucherValidityDays default

    const deleted = await vendor(e2e, 'DELETE', `${shop.token}/campaigns/spring-25/vouchers`, { voucher_codes: codes.slice(0, 2) });
    expect(deleted).toMatchObject({ status: 200, body: { ok: true } });
    expect(shop.vouchers.map((v) => v.voucher_code).filter((c) => codes.includes(c))).toEqual([codes[2]]);
  });

  it('refuses order and stock actions (not in the emailing profile)', async () => {
    expect((await vendor(e2e, 'PUT', `${shop.token}/orders/1`, { status_id: 2 })).status).toBe(409);
    expect((await vendor(e2e, 'PUT', `${shop.token}/stock`, { items: [{ code: 'X', stock: 1 }] })).status).toBe(409);
  });

  it('made no call outside the declared accesses', () => {
    const used = expectOnlyDeclaredCalls(e2e, shop, profile);
    for (const access of ['customers:PUT', 'customers:POST', 'vouchers:POST', 'vouchers:DELETE', 'conversionCodes:POST', 'languages:GET'])
      expect(used.has(access as never)).toBe(true);
  });
});
