// The back-sync request builder: what each action actually sends, settings that shape it, and the
// invariants (forbidden fields, declared actions, batch limits) checked on the body that would leave.
import { describe, expect, it } from 'vitest';
import {
  BackSyncRefusedError,
  buildBackSyncCall,
  forbiddenFieldsIn,
  sendOnce,
  settingValue,
  type BackSyncCall,
} from '../../activities/back-sync.js';
import type { VendorIdempotencyModel } from '../../src/db/models/vendor-idempotency.js';
import { createVendorIdempotencyStore, requestFingerprint } from '../../src/db/vendor-idempotency-store.js';
import type { UpgatesClient } from '../../src/upgates/client.js';
import { UpgatesNetworkError, UpgatesRequestError } from '../../src/upgates/errors.js';
import type { BackSyncRequest, BackSyncResult } from '../../workflows/messages.js';
import { getProfile, UndeclaredAccessError } from '../../src/profiles/index.js';
import type { ProfileVersion } from '../../src/profiles/types.js';

const expeditionV1 = getProfile('expedition', 1);
const expeditionV2 = getProfile('expedition', 2);
const fulfillment = getProfile('fulfillment');
const emailing = getProfile('emailing');
const NOW = Date.parse('2025-03-10T12:00:00Z');

describe('order-status', () => {
  it('writes status_id and tracking_code only, and always decides send_emails_yn/send_sms_yn explicitly', () => {
    const { call } = buildBackSyncCall(
      expeditionV1,
      {
        action: 'order-status',
        items: [{ order_number: '1001', status_id: '4', tracking_code: 'Z1', status: 'Sent', stock_increment: -1 }],
      },
      {},
    );
    expect(call).toEqual({
      kind: 'updateOrders',
      body: { send_emails_yn: true, send_sms_yn: false, orders: [{ order_number: '1001', status_id: 4, tracking_code: 'Z1' }] },
    });
  });

  it('send_emails_yn follows notifyCustomerOnStatusChange (default true as declared); SMS only where the version declares it', () => {
    const off = buildBackSyncCall(
      expeditionV1,
      { action: 'order-status', items: [{ order_number: '1', status_id: 2 }] },
      { notifyCustomerOnStatusChange: false },
    );
    expect(off.call.body).toMatchObject({ send_emails_yn: false, send_sms_yn: false });
    // v1 has no SMS setting: a stray stored value must not turn SMS on.
    const v1Sms = buildBackSyncCall(
      expeditionV1,
      { action: 'order-status', items: [{ order_number: '1', status_id: 2 }] },
      { smsCustomerOnStatusChange: true },
    );
    expect(v1Sms.call.body).toMatchObject({ send_sms_yn: false });
    const v2Sms = buildBackSyncCall(
      expeditionV2,
      { action: 'order-status', items: [{ order_number: '1', status_id: 2 }] },
      { smsCustomerOnStatusChange: true },
    );
    expect(v2Sms.call.body).toMatchObject({ send_emails_yn: true, send_sms_yn: true });
    // A malformed stored value falls back to the declared default.
    expect(settingValue(expeditionV1, { notifyCustomerOnStatusChange: 'no' }, 'notifyCustomerOnStatusChange')).toBe(true);
  });

  it('needs status_id or tracking_code', () => {
    expect(() => buildBackSyncCall(expeditionV1, { action: 'order-status', items: [{ order_number: '1' }] }, {})).toThrow(
      /status_id or tracking_code/,
    );
  });
});

describe('stock', () => {
  it('sends absolute stock of products and variants and nothing else', () => {
    const { call } = buildBackSyncCall(
      fulfillment,
      {
        action: 'stock',
        items: [
          { code: 'P1', stock: 5, variants: [{ code: 'P1-A', stock: 2 }] },
          { code: 'P2', stock: 0 },
        ],
      },
      {},
    );
    expect(call).toEqual({
      kind: 'updateProducts',
      body: {
        products: [
          { code: 'P1', stock: 5, variants: [{ code: 'P1-A', stock: 2 }] },
          { code: 'P2', stock: 0 },
        ],
      },
    });
    expect(forbiddenFieldsIn(call.body, fulfillment.backSync.find((a) => a.id === 'stock')!.forbiddenFields!)).toEqual([]);
  });

  it('refuses stock_increment at any level', () => {
    expect(() => buildBackSyncCall(fulfillment, { action: 'stock', items: [{ code: 'P1', stock: 5, stock_increment: -1 }] }, {})).toThrow();
    expect(() =>
      buildBackSyncCall(
        fulfillment,
        { action: 'stock', items: [{ code: 'P1', stock: 5, variants: [{ code: 'V', stock: 1, stock_increment: '+1' }] }] },
        {},
      ),
    ).toThrow();
  });

  it('forbiddenFieldsIn finds every declared path in a body', () => {
    const rules = fulfillment.backSync.find((a) => a.id === 'stock')!.forbiddenFields!;
    const body = {
      products: [
        { code: 'A', stock_increment: 1 },
        { code: 'B', variants: [{ code: 'B1' }, { code: 'B2', stock_increment: -2 }] },
      ],
      variants: [{ code: 'C', stock_increment: 3 }],
    };
    expect(forbiddenFieldsIn(body, rules).sort()).toEqual([
      'products[0].stock_increment',
      'products[1].variants[1].stock_increment',
      'variants[0].stock_increment',
    ]);
  });

  it('is refused while stockSyncEnabled is off', () => {
    expect(() =>
      buildBackSyncCall(fulfillment, { action: 'stock', items: [{ code: 'P1', stock: 5 }] }, { stockSyncEnabled: false }),
    ).toThrow(BackSyncRefusedError);
  });

  it('is not part of expedition', () => {
    expect(() => buildBackSyncCall(expeditionV2, { action: 'stock', items: [{ code: 'P1', stock: 5 }] }, {})).toThrow(
      /not part of the expedition profile v2/,
    );
  });
});

describe('emailing', () => {
  it('consent: paired by login.email, only newsletter_accept', () => {
    const { call } = buildBackSyncCall(
      emailing,
      { action: 'customer-consent', items: [{ email: 'a@example.com', newsletter_accept: 'no', firstname: 'X' }] },
      {},
    );
    expect(call).toEqual({
      kind: 'updateCustomers',
      body: { customers: [{ login: { email: 'a@example.com' }, newsletter_accept: 'no' }] },
    });
  });

  it('create: always a contact, default language cs and consent yes', () => {
    const { call } = buildBackSyncCall(emailing, { action: 'customer-create', items: [{ email: 'new@example.com' }] }, {});
    expect(call).toEqual({
      kind: 'createCustomers',
      body: { customers: [{ type: 'contact', language: 'cs', newsletter_accept: 'yes', login: { email: 'new@example.com' } }] },
    });
  });

  it('vouchers: date_to from voucherValidityDays when not given; one batch per request', () => {
    const voucher = { count: 3, type: 'percentage', currency_id: 'CZK', amount: 10, note: 'campaign c1' };
    const { call } = buildBackSyncCall(emailing, { action: 'campaign-vouchers', items: [voucher] }, { voucherValidityDays: 14 }, NOW);
    expect(call).toEqual({ kind: 'createVouchers', body: { ...voucher, date_from: '2025-03-10', date_to: '2025-03-24' } });
    const dated = buildBackSyncCall(emailing, { action: 'campaign-vouchers', items: [{ ...voucher, date_from: '2025-04-01' }] }, {}, NOW);
    expect(dated.call.body).toMatchObject({ date_from: '2025-04-01', date_to: '2025-05-01' });
    expect(() => buildBackSyncCall(emailing, { action: 'campaign-vouchers', items: [voucher, voucher] }, {})).toThrow(/at most 1 item/);
  });

  it('voucher delete: unique codes', () => {
    const { call } = buildBackSyncCall(
      emailing,
      { action: 'campaign-vouchers-delete', items: [{ voucher_code: 'A' }, { voucher_code: 'A' }, { voucher_code: 'B' }] },
      {},
    );
    expect(call).toEqual({ kind: 'deleteVouchers', body: { voucher_codes: ['A', 'B'] } });
  });
});

describe('guards', () => {
  it('more items than the action takes is refused before anything is built', () => {
    const items = Array.from({ length: 101 }, (_, i) => ({ order_number: String(i), status_id: 1 }));
    expect(() => buildBackSyncCall(expeditionV1, { action: 'order-status', items }, {})).toThrow(/at most 100/);
  });

  it('an action whose access the profile does not declare is refused', () => {
    const broken: ProfileVersion = { ...expeditionV1, accesses: expeditionV1.accesses.filter((a) => a.access !== 'orders:PUT') };
    expect(() => buildBackSyncCall(broken, { action: 'order-status', items: [{ order_number: '1', status_id: 1 }] }, {})).toThrow(
      UndeclaredAccessError,
    );
  });

  it('a profile forbiddenFields rule catches a builder that would send the field', () => {
    const strict: ProfileVersion = {
      ...emailing,
      backSync: emailing.backSync.map((a) => (a.id === 'customer-create' ? { ...a, forbiddenFields: ['customers[].type'] } : a)),
    };
    expect(() => buildBackSyncCall(strict, { action: 'customer-create', items: [{ email: 'x@example.com' }] }, {})).toThrow(
      /must never send customers\[0\]\.type/,
    );
  });
});

// ---- Idempotency across attempts, runs and restarts (issue 14.6) ----------------------------------------

/** The few mongoose calls the store makes, on a Map, with the unique index's duplicate-key error. */
function fakeIdempotencyModel() {
  const docs = new Map<string, Record<string, unknown>>();
  const id = (f: { shopToken: unknown; key: unknown }) => `${String(f.shopToken)} ${String(f.key)}`;
  const model = {
    create: async (doc: Record<string, unknown>) => {
      if (docs.has(id(doc as never))) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      docs.set(id(doc as never), { ...doc, result: null, createdAt: new Date() });
    },
    findOne: (f: { shopToken: string; key: string }) => ({ lean: async () => docs.get(id(f)) ?? null }),
    updateOne: async (f: { shopToken: string; key: string }, u: { $set: Record<string, unknown> }) => {
      const doc = docs.get(id(f));
      if (doc) Object.assign(doc, u.$set);
    },
    deleteOne: async (f: { shopToken: string; key: string; state: string }) => {
      if (docs.get(id(f))?.state === f.state) docs.delete(id(f));
    },
  };
  return { docs, store: createVendorIdempotencyStore(model as unknown as VendorIdempotencyModel) };
}

/** An Upgates that applies contact creations and can lose the answer after applying (a timeout). */
function fakeShop() {
  const customers = new Set<string>();
  let loseNextAnswer = false;
  let failNextWith: Error | undefined;
  const posts: string[][] = [];
  const client = {
    listCustomers: async function* (query: { email: string }) {
      yield { page: 1, items: customers.has(query.email) ? [{ customer_id: 1, login: { email: query.email } }] : [] };
    },
  } as unknown as UpgatesClient;
  const sendCall = async (_client: UpgatesClient, call: BackSyncCall): Promise<BackSyncResult> => {
    if (call.kind !== 'createCustomers') throw new Error('unexpected call');
    if (failNextWith) {
      const error = failNextWith;
      failNextWith = undefined;
      throw error;
    }
    const emails = call.body.customers.map((c) => c.login.email);
    posts.push(emails);
    const results = emails.map((email) => {
      const inserted = !customers.has(email);
      customers.add(email);
      return { email, inserted_yn: inserted, messages: inserted ? [] : ['exists'] };
    });
    if (loseNextAnswer) {
      loseNextAnswer = false;
      throw new UpgatesNetworkError('Upgates POST /customers (customers:POST) timed out after 30000 ms', true);
    }
    return { ok: results.every((r) => r.inserted_yn), results };
  };
  return {
    customers,
    posts,
    client,
    sendCall,
    loseNextAnswer: () => (loseNextAnswer = true),
    failNext: (error: Error) => (failNextWith = error),
  };
}

describe('sendOnce: one write per Idempotency-Key', () => {
  const request: BackSyncRequest = {
    action: 'customer-create',
    items: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
    options: { idempotencyKey: 'vendor:customer-create:k1' },
  };
  const { call } = buildBackSyncCall(emailing, request, {});
  const target = { shopToken: 'eml', key: 'vendor:customer-create:k1', request, call };

  it('control: without the store, a retry after a lost answer posts the same contacts twice', async () => {
    const shop = fakeShop();
    shop.loseNextAnswer();
    await expect(shop.sendCall(shop.client, call)).rejects.toBeInstanceOf(UpgatesNetworkError);
    const retry = await shop.sendCall(shop.client, call);
    expect(shop.posts).toHaveLength(2);
    expect(retry.ok).toBe(false); // Upgates answers "exists": the vendor would see a failure for its own write
  });

  it('a timeout after Upgates applied the create: the retry looks the contacts up by e-mail and posts nothing', async () => {
    const shop = fakeShop();
    const { store, docs } = fakeIdempotencyModel();
    shop.loseNextAnswer();
    await expect(sendOnce(store, shop.client, emailing, target, shop.sendCall)).rejects.toBeInstanceOf(UpgatesNetworkError);
    expect([...docs.values()][0]).toMatchObject({ state: 'pending' });
    const retry = await sendOnce(store, shop.client, emailing, target, shop.sendCall);
    expect(shop.posts).toEqual([['a@example.com', 'b@example.com']]);
    expect(retry).toEqual({
      ok: true,
      results: [
        { email: 'a@example.com', inserted_yn: true, recovered_yn: true, messages: [] },
        { email: 'b@example.com', inserted_yn: true, recovered_yn: true, messages: [] },
      ],
    });
    // Finished: every later retry (another run, another worker) gets the same answer and sends nothing.
    expect(await sendOnce(store, shop.client, emailing, target, shop.sendCall)).toEqual(retry);
    expect(shop.posts).toHaveLength(1);
  });

  it('partly applied: only the missing contacts are posted', async () => {
    const shop = fakeShop();
    const { store } = fakeIdempotencyModel();
    await store.claim('eml', target.key, 'customer-create', requestFingerprint(request.action, request.items));
    shop.customers.add('a@example.com');
    const result = await sendOnce(store, shop.client, emailing, target, shop.sendCall);
    expect(shop.posts).toEqual([['b@example.com']]);
    expect(result.results.map((r) => [r.email, r.inserted_yn])).toEqual([
      ['a@example.com', true],
      ['b@example.com', true],
    ]);
  });

  it('an error answer (nothing applied) releases the key: the retry sends normally', async () => {
    const shop = fakeShop();
    const { store, docs } = fakeIdempotencyModel();
    shop.failNext(new UpgatesRequestError('Upgates POST /customers answered 400', 400));
    await expect(sendOnce(store, shop.client, emailing, target, shop.sendCall)).rejects.toBeInstanceOf(UpgatesRequestError);
    expect(docs.size).toBe(0);
    expect((await sendOnce(store, shop.client, emailing, target, shop.sendCall)).ok).toBe(true);
    expect(shop.posts).toHaveLength(1);
  });

  it('the same key with other items sends nothing', async () => {
    const shop = fakeShop();
    const { store } = fakeIdempotencyModel();
    await sendOnce(store, shop.client, emailing, target, shop.sendCall);
    const other = { ...request, items: [{ email: 'c@example.com' }] };
    const answer = await sendOnce(
      store,
      shop.client,
      emailing,
      { ...target, request: other, call: buildBackSyncCall(emailing, other, {}).call },
      shop.sendCall,
    );
    expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/different request/) });
    expect(shop.posts).toHaveLength(1);
  });

  it('coupons with an unknown outcome are not sent again when the profile cannot list coupons', async () => {
    const shop = fakeShop();
    const { store } = fakeIdempotencyModel();
    const vouchers: BackSyncRequest = {
      action: 'campaign-vouchers',
      items: [{ count: 2, type: 'price', currency_id: 'CZK', amount: 50, note: 'campaign c1' }],
    };
    const built = buildBackSyncCall(emailing, vouchers, {}, NOW).call;
    const key = 'vendor:campaign-vouchers:k9';
    await store.claim('eml', key, vouchers.action, requestFingerprint(vouchers.action, vouchers.items));
    const answer = await sendOnce(store, shop.client, emailing, { shopToken: 'eml', key, request: vouchers, call: built }, shop.sendCall);
    expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/not sent again/) });
    expect(shop.posts).toEqual([]);
  });
});
