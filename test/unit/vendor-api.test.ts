// Vendor API routes over real HTTP (fetch against app.listen(0)) with a fake deps object: auth, validation,
// shop/profile checks, batch limits and how the shop workflow's answer (or Temporal's absence) is mapped.
// No Temporal and no database here; the end-to-end tests in test/e2e/profile-*.test.ts run the real thing.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppDeps } from '../../src/http/deps.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { mountVendorRoutes } from '../../src/http/vendor-api/routes.js';
import { createLogger } from '../../src/logger.js';
import type { BackSyncRequest, BackSyncResult } from '../../workflows/messages.js';
import type { Models } from '../../src/db/models/index.js';
import { createShopStore } from '../../src/db/shop-store.js';
import { createVendorTokenStore, hashVendorToken } from '../../src/db/vendor-tokens.js';
import { createVendorIdempotencyStore, requestFingerprint } from '../../src/db/vendor-idempotency-store.js';

const TOKEN = 'vendor-token-for-unit-tests-0123';
type ShopRow = { token: string; status: string; profile: string; version: number };

const shops = new Map<string, ShopRow>();
const sent: Array<{ workflowId: string; request: BackSyncRequest; updateId: string }> = [];
const tokens = new Map<string, { tokenId: string; shops: string[] | null; revokedAt: Date | null }>();
const idempotency = new Map<string, { state: string; fingerprint: string; result: unknown; createdAt: Date }>();
let tokenStoreDown = false;
let behaviour: (request: BackSyncRequest) => Promise<BackSyncResult>;

const fakeModels = {
  Shop: { findOne: (filter: { token: string }) => ({ lean: async () => shops.get(filter.token) ?? null }) },
  VendorToken: {
    findOne: (filter: { hash: string; revokedAt: null }) => ({
      lean: async () => {
        if (tokenStoreDown) throw new Error('connection refused');
        const doc = tokens.get(filter.hash);
        return doc && !doc.revokedAt ? doc : null;
      },
    }),
  },
  VendorIdempotency: {
    findOne: (filter: { shopToken: string; key: string }) => ({
      lean: async () => idempotency.get(`${filter.shopToken} ${filter.key}`) ?? null,
    }),
  },
} as unknown as Pick<Models, 'Shop' | 'VendorToken' | 'VendorIdempotency'>;

const fakeDeps = {
  config: loadConfig({ NODE_ENV: 'test', VENDOR_API_TOKEN: TOKEN, VENDOR_API_WAIT_SECONDS: '1' }),
  logger: createLogger('silent'),
  // The real stores over the fake models above.
  stores: {
    shops: createShopStore(fakeModels.Shop),
    vendorTokens: createVendorTokenStore(fakeModels.VendorToken),
    vendorIdempotency: createVendorIdempotencyStore(fakeModels.VendorIdempotency),
  },
  temporal: {
    connection: {
      withAbortSignal: <T>(signal: AbortSignal, fn: () => Promise<T>) =>
        new Promise<T>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
          fn().then(resolve, reject);
        }),
    },
    workflow: {
      getHandle: (workflowId: string) => ({
        startUpdate: async (_def: unknown, options: { args: [BackSyncRequest]; updateId: string }) => {
          // The activity keys its MongoDB record by the update id: the gateway must hand it over.
          const { options: requestOptions, ...request } = options.args[0];
          if (requestOptions?.idempotencyKey !== options.updateId) throw new Error('idempotencyKey is not the update id');
          sent.push({ workflowId, request, updateId: options.updateId });
          const result = behaviour(request);
          return { updateId: options.updateId, result: () => result };
        },
      }),
    },
  },
} as unknown as AppDeps;

let server: Server;
let base: string;
beforeAll(async () => {
  const app = express();
  mountVendorRoutes(app, fakeDeps);
  app.use(errorHandler(fakeDeps.logger));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/vendor`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  sent.length = 0;
  tokens.clear();
  idempotency.clear();
  tokenStoreDown = false;
  shops.clear();
  shops.set('exp', { token: 'exp', status: 'active', profile: 'expedition', version: 2 });
  shops.set('ful', { token: 'ful', status: 'active', profile: 'fulfillment', version: 1 });
  shops.set('eml', { token: 'eml', status: 'active', profile: 'emailing', version: 2 });
  shops.set('gone', { token: 'gone', status: 'uninstalled', profile: 'expedition', version: 2 });
  shops.set('new', { token: 'new', status: 'installing', profile: 'expedition', version: 2 });
  behaviour = async (request) => ({ ok: true, results: request.items.map((i) => ({ ...i, updated_yn: true, messages: [] })) });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('authentication', () => {
  it('VENDOR_API_TOKEN is required in production, with a dev default otherwise', () => {
    const prod = { NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32), UPGATES_SIGNATURE_TOKEN: 't', PUBLIC_URL: 'https://a.example' };
    expect(() => loadConfig(prod)).toThrow(/VENDOR_API_TOKEN/);
    expect(loadConfig({ ...prod, VENDOR_API_TOKEN: 'v'.repeat(16) }).vendorApiToken).toBe('v'.repeat(16));
    expect(loadConfig({}).vendorApiToken.length).toBeGreaterThanOrEqual(16);
  });

  it('401 without, with a wrong or with a differently long token; nothing sent', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
      const res = await fetch(`${base}/shops/exp/orders/1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: '{"status_id":2}',
      });
      expect(res.status).toBe(401);
    }
    expect(sent).toEqual([]);
  });
});

describe('scoped tokens (issue 14.6)', () => {
  const SCOPED = `vt_0123456789ab_${'A'.repeat(43)}`;
  const put = (token: string, shop: string) =>
    fetch(`${base}/shops/${shop}/orders/1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"status_id":2}',
    });

  it('a token scoped to one shop writes there, gets 403 elsewhere (nothing sent), 401 once revoked', async () => {
    tokens.set(hashVendorToken(SCOPED), { tokenId: '0123456789ab', shops: ['exp'], revokedAt: null });
    expect((await put(SCOPED, 'ful')).status).toBe(403);
    expect((await fetch(`${base}/shops/ful/back-sync/vendor:stock:x`, { headers: { authorization: `Bearer ${SCOPED}` } })).status).toBe(
      403,
    );
    expect(sent).toEqual([]);
    expect((await put(SCOPED, 'exp')).status).toBe(200);
    expect(sent.map((s) => s.workflowId)).toEqual(['shop:exp']);
    tokens.get(hashVendorToken(SCOPED))!.revokedAt = new Date();
    expect((await put(SCOPED, 'exp')).status).toBe(401);
    expect(sent).toHaveLength(1);
  });

  it('an all-shops token from the store reaches every shop; a token whose id does not match its digest is 401', async () => {
    tokens.set(hashVendorToken(SCOPED), { tokenId: '0123456789ab', shops: null, revokedAt: null });
    expect((await put(SCOPED, 'ful')).status).toBe(200);
    tokens.set(hashVendorToken(SCOPED), { tokenId: 'ffffffffffff', shops: null, revokedAt: null });
    expect((await put(SCOPED, 'exp')).status).toBe(401);
  });

  it('token store down: 503, nothing sent; the bootstrap token still works', async () => {
    tokenStoreDown = true;
    expect((await put(SCOPED, 'exp')).status).toBe(503);
    expect(sent).toEqual([]);
    expect((await put(TOKEN, 'exp')).status).toBe(200);
  });
});

describe('Idempotency-Key results kept in MongoDB (issue 14.6)', () => {
  const items = [{ order_number: '1', status_id: 2 }];
  const stored = { ok: true, results: [{ order_number: '1', updated_yn: true, messages: [] }] };

  it('a finished key answers its stored result without Temporal; the same key with another body is 422', async () => {
    idempotency.set('exp vendor:order-status:k-1', {
      state: 'done',
      fingerprint: requestFingerprint('order-status', items),
      result: stored,
      createdAt: new Date(),
    });
    const again = await call('PUT', '/shops/exp/orders/1', { status_id: 2 }, { 'idempotency-key': 'k-1' });
    expect(again).toEqual({
      status: 200,
      body: { ok: true, action: 'order-status', updateId: 'vendor:order-status:k-1', results: stored.results },
    });
    const other = await call('PUT', '/shops/exp/orders/1', { status_id: 3 }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(422);
    expect(sent).toEqual([]);
  });

  it('an unfinished key goes to the shop workflow again (the activity resolves it)', async () => {
    idempotency.set('exp vendor:order-status:k-2', {
      state: 'pending',
      fingerprint: requestFingerprint('order-status', items),
      result: null,
      createdAt: new Date(),
    });
    expect((await call('PUT', '/shops/exp/orders/1', { status_id: 2 }, { 'idempotency-key': 'k-2' })).status).toBe(200);
    expect(sent).toHaveLength(1);
  });
});

describe('orders', () => {
  it('PUT one order goes to the shop workflow as order-status and answers the per-item result', async () => {
    const res = await call('PUT', '/shops/exp/orders/1001', { status_id: 4, tracking_code: 'Z123' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      action: 'order-status',
      results: [{ order_number: '1001', updated_yn: true, messages: [] }],
    });
    expect(sent).toEqual([
      {
        workflowId: 'shop:exp',
        request: { action: 'order-status', items: [{ order_number: '1001', status_id: 4, tracking_code: 'Z123' }] },
        updateId: expect.stringMatching(/^vendor:order-status:/),
      },
    ]);
  });

  it('400 with a clear message for a bad body; nothing sent', async () => {
    for (const body of [{}, { status_id: 'x' }, { status_id: 2, status: 'Sent' }, { tracking_code: '' }, '[1,2']) {
      const res = await call('PUT', '/shops/exp/orders/1001', body);
      expect(res.status).toBe(400);
      expect(String(res.body.message)).toMatch(/./);
    }
    expect((await call('PUT', '/shops/exp/orders/1001', {})).body.message).toMatch(/status_id or tracking_code is required/);
    expect(sent).toEqual([]);
  });

  it('batch: up to 100 in one request, 413 above', async () => {
    const orders = Array.from({ length: 100 }, (_, i) => ({ order_number: String(1000 + i), status_id: 2 }));
    expect((await call('PUT', '/shops/exp/orders', { orders })).status).toBe(200);
    expect(sent[0]!.request.items).toHaveLength(100);
    const tooMany = await call('PUT', '/shops/exp/orders', { orders: [...orders, { order_number: 'x', status_id: 2 }] });
    expect(tooMany.status).toBe(413);
    expect(sent).toHaveLength(1);
  });

  it('unknown or uninstalled shop 404, installing shop 409', async () => {
    expect((await call('PUT', '/shops/nope/orders/1', { status_id: 2 })).status).toBe(404);
    expect((await call('PUT', '/shops/gone/orders/1', { status_id: 2 })).status).toBe(404);
    expect((await call('PUT', '/shops/new/orders/1', { status_id: 2 })).status).toBe(409);
    expect(sent).toEqual([]);
  });

  it('an emailing shop has no order-status action: 409 naming what it offers', async () => {
    const res = await call('PUT', '/shops/eml/orders/1', { status_id: 2 });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/order-status is not part of the emailing add-on .*customer-consent/);
  });
});

describe('stock', () => {
  it('absolute stock for fulfillment', async () => {
    const res = await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock: 3, variants: [{ code: 'P1-A', stock: 1 }] }] });
    expect(res.status).toBe(200);
    expect(sent[0]!.request).toEqual({ action: 'stock', items: [{ code: 'P1', stock: 3, variants: [{ code: 'P1-A', stock: 1 }] }] });
  });

  it('stock_increment anywhere is 400; negative or fractional stock is 400; expedition has no stock action', async () => {
    expect((await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock_increment: -1 }] })).body.message).toMatch(
      /stock_increment is not accepted/,
    );
    expect(
      (await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock: 1, variants: [{ code: 'V', stock_increment: 1 }] }] })).status,
    ).toBe(400);
    expect((await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock: -1 }] })).status).toBe(400);
    expect((await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock: 1.5 }] })).status).toBe(400);
    expect((await call('PUT', '/shops/exp/stock', { items: [{ code: 'P1', stock: 1 }] })).status).toBe(409);
    expect(
      (await call('PUT', '/shops/ful/stock', { items: Array.from({ length: 101 }, (_, i) => ({ code: `P${i}`, stock: 1 })) })).status,
    ).toBe(413);
    expect(sent).toEqual([]);
  });
});

describe('emailing', () => {
  it('consent, contact creation (single and batch), vouchers create and delete', async () => {
    expect((await call('PUT', '/shops/eml/subscribers/a%40example.com', { newsletter_accept: 'no' })).status).toBe(200);
    expect((await call('POST', '/shops/eml/subscribers', { email: 'b@example.com', language: 'sk' })).status).toBe(200);
    expect(
      (
        await call('POST', '/shops/eml/subscribers', {
          subscribers: [{ email: 'c@example.com' }, { email: 'd@example.com', newsletter_accept: 'notset' }],
        })
      ).status,
    ).toBe(200);
    behaviour = async () => ({ ok: true, results: [{ voucher_code: 'AAA', created_yn: true }] });
    const created = await call('POST', '/shops/eml/campaigns/spring-25/vouchers', {
      count: 1,
      type: 'percentage',
      currency_id: 'CZK',
      amount: 10,
    });
    expect(created.body).toMatchObject({ ok: true, results: [{ voucher_code: 'AAA' }] });
    behaviour = async () => ({ ok: true, results: [{ code: 'AAA', deleted_yn: true, messages: [] }] });
    expect((await call('DELETE', '/shops/eml/campaigns/spring-25/vouchers', { voucher_codes: ['AAA'] })).status).toBe(200);
    expect(sent.map((s) => s.request)).toEqual([
      { action: 'customer-consent', items: [{ email: 'a@example.com', newsletter_accept: 'no' }] },
      { action: 'customer-create', items: [{ email: 'b@example.com', language: 'sk' }] },
      { action: 'customer-create', items: [{ email: 'c@example.com' }, { email: 'd@example.com', newsletter_accept: 'notset' }] },
      {
        action: 'campaign-vouchers',
        items: [{ count: 1, type: 'percentage', currency_id: 'CZK', amount: 10, note: 'campaign spring-25' }],
      },
      { action: 'campaign-vouchers-delete', items: [{ voucher_code: 'AAA' }] },
    ]);
  });

  it('validation: bad e-mail, bad consent value, bad voucher type, note not settable, inverted dates', async () => {
    expect((await call('PUT', '/shops/eml/subscribers/not-an-email', { newsletter_accept: 'no' })).status).toBe(400);
    expect((await call('PUT', '/shops/eml/subscribers/a%40example.com', { newsletter_accept: 'maybe' })).status).toBe(400);
    expect((await call('POST', '/shops/eml/subscribers', { email: 'x' })).status).toBe(400);
    const v = { count: 1, type: 'percentage', currency_id: 'CZK', amount: 10 };
    expect((await call('POST', '/shops/eml/campaigns/c/vouchers', { ...v, type: 'free' })).status).toBe(400);
    expect((await call('POST', '/shops/eml/campaigns/c/vouchers', { ...v, note: 'x' })).status).toBe(400);
    expect((await call('POST', '/shops/eml/campaigns/c/vouchers', { ...v, date_from: '2025-05-02', date_to: '2025-05-01' })).status).toBe(
      400,
    );
    expect((await call('POST', '/shops/eml/campaigns/c/vouchers', { ...v, count: 1001 })).status).toBe(400);
    expect((await call('POST', '/shops/exp/subscribers', { email: 'a@example.com' })).status).toBe(409);
    expect(sent).toEqual([]);
  });
});

describe('answers from the shop workflow and Temporal', () => {
  it('a refusal without item results is 409 with the message; item failures are 200 with ok false', async () => {
    behaviour = async () => ({ ok: false, results: [], message: 'stock sync is turned off in the shop settings (stockSyncEnabled)' });
    const refused = await call('PUT', '/shops/ful/stock', { items: [{ code: 'P1', stock: 1 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/stockSyncEnabled/);
    behaviour = async () => ({
      ok: false,
      results: [{ order_number: '9', updated_yn: false, messages: [{ message: 'Order not found.' }] }],
    });
    const partial = await call('PUT', '/shops/exp/orders/9', { status_id: 2 });
    expect(partial).toMatchObject({ status: 200, body: { ok: false, results: [{ updated_yn: false }] } });
  });

  it('Temporal unreachable: 503 with Retry-After; missing workflow: 409', async () => {
    behaviour = async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    };
    expect((await call('PUT', '/shops/exp/orders/1', { status_id: 2 })).status).toBe(503);
    behaviour = async () => {
      throw new WorkflowNotFoundError('not found', 'shop:exp', undefined);
    };
    expect((await call('PUT', '/shops/exp/orders/1', { status_id: 2 })).status).toBe(409);
  });

  it('a write still running after the wait answers 202 with a poll address', async () => {
    behaviour = () => new Promise(() => undefined);
    const res = await call('PUT', '/shops/exp/orders/1', { status_id: 2 }, { 'idempotency-key': 'wms-42' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      accepted: true,
      updateId: 'vendor:order-status:wms-42',
      poll: '/api/vendor/shops/exp/back-sync/vendor%3Aorder-status%3Awms-42',
    });
  });

  it('Idempotency-Key becomes the update id; a malformed key is 400', async () => {
    await call('PUT', '/shops/exp/orders/1', { status_id: 2 }, { 'idempotency-key': 'abc-1' });
    expect(sent[0]!.updateId).toBe('vendor:order-status:abc-1');
    expect((await call('PUT', '/shops/exp/orders/1', { status_id: 2 }, { 'idempotency-key': 'a b' })).status).toBe(400);
  });

  it('unknown vendor route is 404', async () => {
    expect((await call('GET', '/shops/exp/nothing')).status).toBe(404);
  });
});
