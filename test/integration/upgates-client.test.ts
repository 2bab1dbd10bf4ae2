// The Upgates client against the sandbox over real HTTP: pagination, id chunking, every error class, a real
// Retry-After honoured, a 301 move persisted, the 3-in-flight cap under 20 racing callers, and the usage
// ledger (in FerretDB) equal to the sandbox's own call log.
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startSandbox, type Sandbox, type SandboxShop } from '../../sandbox/index.js';
import { sendInBatches } from '../../src/upgates/batching.js';
import { createUpgatesClient, type CreateUpgatesClientOptions } from '../../src/upgates/client.js';
import { closeSharedDispatcher } from '../../src/upgates/dispatcher.js';
import {
  UpgatesAccessNotGrantedError,
  UpgatesAuthError,
  UpgatesForbiddenError,
  UpgatesLoginBlockedError,
  UpgatesNetworkError,
  UpgatesPayloadTooLargeError,
  UpgatesServerError,
  UpgatesThrottledError,
} from '../../src/upgates/errors.js';
import { UpgatesHttp } from '../../src/upgates/http.js';
import type { Access } from '../../src/upgates/resources.js';
import { toTemporalFailure } from '../../src/upgates/temporal-failure.js';
import { MongoUsageLedger, utcDay } from '../../src/upgates/usage-ledger.js';
import { ApplicationFailure } from '@temporalio/common';

let sb: Sandbox;
let connection: Connection;
let ledger: MongoUsageLedger;
let seed = 100;

beforeAll(async () => {
  sb = await startSandbox({});
  connection = await mongoose.createConnection(inject('mongoUri'), { retryWrites: false }).asPromise();
  ledger = new MongoUsageLedger(connection);
});

afterAll(async () => {
  await sb?.stop();
  await connection?.close();
  await closeSharedDispatcher();
});

function newShop(options: Parameters<Sandbox['createShop']>[0] = {}): SandboxShop {
  return sb.createShop({ seed: seed++, orders: 20, products: 10, preinstalled: true, ...options });
}

function clientFor(shop: SandboxShop, options: Partial<CreateUpgatesClientOptions> = {}) {
  return createUpgatesClient({ shopToken: shop.token, credentials: { ...shop.credentials! }, ledger, ...options });
}

const callsOf = (shop: SandboxShop) => sb.calls.filter((c) => c.shopToken === shop.token);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('reads', () => {
  it('walks 3000 orders page by page (30 calls) and 200 products (4 calls)', async () => {
    const shop = newShop({ orders: 3000, products: 200 });
    const client = clientFor(shop);
    const numbers = new Set<string>();
    for await (const page of client.listOrders({ order_by: 'creation_time', order_dir: 'asc' }))
      for (const o of page.items) numbers.add(o.order_number);
    let products = 0;
    for await (const page of client.listProducts()) products += page.items.length;
    expect(numbers.size).toBe(3000);
    expect(products).toBe(200);
    expect(callsOf(shop).filter((c) => c.access === 'orders:GET')).toHaveLength(30);
    expect(callsOf(shop).filter((c) => c.access === 'products:GET')).toHaveLength(4);
  });

  it('an empty filtered list ends after one call', async () => {
    const shop = newShop();
    const pages = [];
    for await (const page of clientFor(shop).listOrders({ creation_time_from: '2099-01-01' })) pages.push(page);
    expect(pages).toEqual([]);
    expect(callsOf(shop)).toHaveLength(1);
  });

  it('fetches 250 orders by number in 3 calls of at most 100', async () => {
    const shop = newShop({ orders: 300 });
    const client = clientFor(shop);
    const all: string[] = [];
    for await (const page of client.listOrders()) all.push(...page.items.map((o) => o.order_number));
    sb.clearCalls();
    const wanted = all.slice(0, 250);
    const orders = await client.getOrdersByNumbers(wanted);
    expect(new Set(orders.map((o) => o.order_number))).toEqual(new Set(wanted));
    expect(callsOf(shop).map((c) => [c.method, c.access, c.status])).toEqual(Array(3).fill(['GET', 'orders:GET', 200]));
  });
});

describe('errors', () => {
  it('401 after the access is revoked (uninstall)', async () => {
    const shop = newShop();
    const client = clientFor(shop);
    await client.getOwner();
    shop.revokeCredentials();
    const err = await rejection(client.getOwner());
    expect(err).toBeInstanceOf(UpgatesAuthError);
    expect(err.message).not.toContain(shop.credentials?.apiKey ?? 'no-key-left');
    expect((toTemporalFailure(err) as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('403 for an access the shop did not grant, naming it', async () => {
    const shop = newShop({ grantedAccesses: ['orders:GET'] });
    const err = await rejection(clientFor(shop).updateOrders([{ order_number: '9000001', tracking_code: 'X' }], { sendEmails: false }));
    expect(err).toBeInstanceOf(UpgatesForbiddenError);
    expect((err as UpgatesForbiddenError).access).toBe('orders:PUT');
  });

  it('413 above 100 items; the batch sender halves and succeeds', async () => {
    const shop = newShop({ orders: 160 });
    const client = clientFor(shop);
    const numbers: string[] = [];
    for await (const page of client.listOrders()) numbers.push(...page.items.map((o) => o.order_number));
    const http = new UpgatesHttp({ shopToken: shop.token, credentials: shop.credentials!, ledger });
    const put = (orders: Array<{ order_number: string; tracking_code: string }>) =>
      http.request({
        method: 'PUT',
        access: 'orders:PUT',
        path: '/orders',
        body: { send_emails_yn: false, orders },
        itemCount: orders.length,
      });
    const items = numbers.slice(0, 150).map((order_number) => ({ order_number, tracking_code: 'TRK-413' }));

    const err = await rejection(put(items));
    expect(err).toBeInstanceOf(UpgatesPayloadTooLargeError);
    expect((err as UpgatesPayloadTooLargeError).itemCount).toBe(150);

    sb.clearCalls();
    // A batch size the client would never use, to meet a real 413 and the split: 150 → 413, 75 + 75.
    const results = await sendInBatches(items, async (batch) => ((await put(batch)) as { orders: unknown[] }).orders, 150);
    expect(results).toHaveLength(150);
    expect(callsOf(shop).map((c) => c.status)).toEqual([413, 200, 200]);
    const after = await client.getOrdersByNumbers(items.map((i) => i.order_number));
    expect(after.filter((o) => o.tracking_code === 'TRK-413')).toHaveLength(150);
  });

  it('the client itself never sends more than 100 items: 250 updates → 100, 100, 50', async () => {
    const shop = newShop({ orders: 260 });
    const client = clientFor(shop);
    const numbers: string[] = [];
    for await (const page of client.listOrders()) numbers.push(...page.items.map((o) => o.order_number));
    sb.clearCalls();
    const results = await client.updateOrders(
      numbers.slice(0, 250).map((order_number) => ({ order_number, tracking_code: 'TRK' })),
      { sendEmails: false },
    );
    expect(results.filter((r) => r.updated_yn)).toHaveLength(250);
    expect(callsOf(shop).map((c) => [c.access, c.status])).toEqual(Array(3).fill(['orders:PUT', 200]));
  });

  it('429 with a real Retry-After is honoured: the retry does not come sooner', async () => {
    const shop = newShop();
    sb.faults.set(shop.token, { storm: { retryAfterSeconds: 2, untilMs: sb.clock.now() + 300 } });
    await clientFor(shop).getOwner();
    const [first, retry, ...rest] = callsOf(shop);
    expect(rest).toEqual([]);
    expect(first!.status).toBe(429);
    expect(retry!.status).toBe(200);
    // Retry-After is the GMT second of (now + 2 s); the latest it can name is derived from when the 429 ended.
    const retryAfterAtLatest = Math.floor((first!.endedAt + 2_000) / 1000) * 1000;
    expect(retry!.startedAt).toBeGreaterThanOrEqual(retryAfterAtLatest);
    sb.faults.clear(shop.token);
  });

  it('429 asking for a long wait is handed to Temporal as nextRetryDelay', async () => {
    const shop = newShop();
    sb.faults.set(shop.token, { storm: { retryAfterSeconds: 600 } });
    const err = await rejection(clientFor(shop).getOwner());
    sb.faults.clear(shop.token);
    expect(err).toBeInstanceOf(UpgatesThrottledError);
    const delay = (err as UpgatesThrottledError).retryAfterMs;
    expect(delay).toBeGreaterThan(598_000);
    expect(delay).toBeLessThanOrEqual(601_000);
    const failure = toTemporalFailure(err) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(delay);
    expect(callsOf(shop)).toHaveLength(1);
  });

  it('5xx, a dropped connection and a hung request are retryable errors', async () => {
    const shop = newShop();
    const client = clientFor(shop, { timeoutMs: 500 });
    sb.faults.set(shop.token, { errorRate: 1, errorStatus: 503 });
    const server = await rejection(client.getOwner());
    expect(server).toBeInstanceOf(UpgatesServerError);
    sb.faults.set(shop.token, { dropRate: 1 });
    const dropped = await rejection(client.getOwner());
    expect(dropped).toBeInstanceOf(UpgatesNetworkError);
    sb.faults.set(shop.token, { hangRate: 1 });
    const started = Date.now();
    const hung = await rejection(client.getOwner());
    expect(hung).toBeInstanceOf(UpgatesNetworkError);
    expect((hung as UpgatesNetworkError).timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    sb.faults.clear(shop.token);
    for (const err of [server, dropped, hung]) expect((toTemporalFailure(err) as ApplicationFailure).nonRetryable).toBe(false);
    // The hung request's slot was freed: the shop answers again.
    await client.getOwner();
  });

  it('301: the new api_url is reported through onMoved and the request retried once there', async () => {
    const shop = newShop();
    const stored: string[] = [];
    const onMoved = vi.fn(async (url: string) => {
      stored.push(url);
    });
    const client = clientFor(shop, { onMoved });
    const oldUrl = shop.apiUrl;
    shop.setMoved();
    expect(shop.apiUrl).not.toBe(oldUrl);
    await client.getOwner();
    await client.getConfig();
    expect(stored).toEqual([shop.apiUrl]);
    expect(client.apiUrl).toBe(shop.apiUrl);
    expect(callsOf(shop).map((c) => c.status)).toEqual([301, 200, 200]);
  });
});

describe('concurrency and counting', () => {
  it('20 racing callers on 4 client objects never have more than 3 requests in flight', async () => {
    const shop = newShop();
    sb.faults.set(shop.token, { latencyMs: { min: 20, max: 60 } });
    const clients = Array.from({ length: 4 }, () => clientFor(shop));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? clients[i % 4]!.getOwner() : clients[i % 4]!.getOrderStatuses())));
    sb.faults.clear(shop.token);
    const calls = callsOf(shop);
    expect(calls).toHaveLength(20);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(Math.max(...calls.map((c) => c.concurrencyAtStart))).toBeLessThanOrEqual(3);
    expect(sb.maxConcurrency(shop.token)).toBe(3);
  });

  it('the ledger in FerretDB equals the sandbox call log, per access', async () => {
    const shop = newShop({ orders: 450, grantedAccesses: ['orders:GET', 'owner:GET', 'languages:GET', 'orderStatuses:GET'] });
    const client = clientFor(shop, { declaredCallsPerDay: { 'orderStatuses:GET': 2 } });
    const numbers: string[] = [];
    for await (const page of client.listOrders()) numbers.push(...page.items.map((o) => o.order_number));
    await client.getOrdersByNumbers(numbers.slice(0, 230));
    await Promise.all([client.getOwner(), client.getOwner(), client.getLanguages(), client.getOrderStatuses({ priority: 'optional' })]);
    await rejection(client.updateOrders([{ order_number: numbers[0]!, tracking_code: 'X' }], { sendEmails: false })); // 403, still a call
    sb.faults.set(shop.token, { storm: { retryAfterSeconds: 1, untilMs: sb.clock.now() + 200 } });
    await client.getOwner(); // 429 then 200: two calls
    sb.faults.clear(shop.token);
    await client.getOrderStatuses({ priority: 'optional' });
    // Third optional call exceeds the declared 2/day: refused before any request.
    await expect(client.getOrderStatuses({ priority: 'optional' })).rejects.toMatchObject({ name: 'UsageBudgetExceededError' });
    // Mandatory calls still go.
    await client.getOrderStatuses();

    const expected: Partial<Record<Access, number>> = {};
    for (const call of callsOf(shop)) expected[call.access!] = (expected[call.access!] ?? 0) + 1;
    const usage = await ledger.getUsage(shop.token, utcDay());
    expect(usage.counts).toEqual(expected);
    expect(usage.total).toBe(callsOf(shop).length);
    expect(expected).toMatchObject({ 'orders:GET': 5 + 3, 'owner:GET': 4, 'orders:PUT': 1, 'orderStatuses:GET': 3 });
    const summary = await ledger.getUsageSummary(utcDay());
    expect(summary.shops.find((s) => s.shopToken === shop.token)?.total).toBe(usage.total);
  });
});

describe('401 and 403 (issue 13.2)', () => {
  it('after a 401 no other request with those credentials leaves the process; the latch callback runs once', async () => {
    const shop = newShop();
    let latched = 0;
    const options = { onCredentialsRejected: () => void latched++ };
    const first = clientFor(shop, options);
    const second = clientFor(shop, options);
    const credentialsBefore = { ...shop.credentials! };
    shop.changeApiKey();
    const failedBefore = sb.failedLogins.length;
    expect(await rejection(first.getOwner())).toBeInstanceOf(UpgatesAuthError);
    // Racing requests of the same and of another client object: refused here, not sent.
    const errors = await Promise.all([first.getOwner(), second.getLanguages(), second.getOwner()].map(rejection));
    expect(errors.every((e) => e instanceof UpgatesAuthError && /not sent/.test(e.message))).toBe(true);
    expect(sb.failedLogins.length - failedBefore).toBe(1);
    expect(latched).toBe(1);
    // New credentials are not affected by the memory of the old ones.
    const fresh = createUpgatesClient({
      shopToken: shop.token,
      credentials: { ...credentialsBefore, apiKey: shop.credentials!.apiKey },
      ledger,
    });
    await expect(fresh.getOwner()).resolves.toBeTruthy();
  });

  it('403 with classification: not granted (the login works) is named, reported once and not sent again', async () => {
    const shop = newShop({ grantedAccesses: ['orders:GET'] });
    const reported: Access[] = [];
    const client = clientFor(shop, { classifyForbidden: true, onAccessNotGranted: (a) => void reported.push(a) });
    const err = await rejection(client.getPayments());
    expect(err).toBeInstanceOf(UpgatesAccessNotGrantedError);
    expect(err).toBeInstanceOf(UpgatesForbiddenError);
    expect((toTemporalFailure(err) as ApplicationFailure).nonRetryable).toBe(true);
    expect(await rejection(client.getPayments())).toBeInstanceOf(UpgatesAccessNotGrantedError);
    expect(reported).toEqual(['payments:GET']);
    // One refused call and one probe of /webhooks; the second getPayments was not sent.
    expect(callsOf(shop).map((c) => [c.access, c.status])).toEqual([
      ['payments:GET', 403],
      ['webhooks:GET', 200],
    ]);
    await expect(client.listOrders().next()).resolves.toBeTruthy();
  });

  it('403 with classification: a login block (the probe is refused too) waits for Retry-After or the hour', async () => {
    const blocking = await startSandbox({ failedLoginLimit: 2 });
    try {
      const shop = blocking.createShop({ seed: 7, orders: 3, products: 1, preinstalled: true });
      const wrong = `Basic ${Buffer.from('nobody:wrong').toString('base64')}`;
      for (let k = 0; k < 2; k++) await fetch(`${shop.apiUrl}/owner`, { headers: { authorization: wrong } });
      let blockedUntil: Date | undefined;
      const client = createUpgatesClient({
        shopToken: shop.token,
        credentials: { ...shop.credentials! },
        ledger,
        classifyForbidden: true,
        onLoginBlocked: (until) => void (blockedUntil = until),
        onAccessNotGranted: () => {
          throw new Error('a login block is not an access refusal');
        },
      });
      const err = await rejection(client.getOrderStatuses());
      expect(err).toBeInstanceOf(UpgatesLoginBlockedError);
      expect(blockedUntil!.getTime() - Date.now()).toBeGreaterThan(3_600_000 - 60_000);
      const failure = toTemporalFailure(err) as ApplicationFailure;
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBeDefined();
      // With a Retry-After (the sandbox can send one), the block ends when it says.
      blocking.config.loginBlockRetryAfter = true;
      blocking.clock.advance(3_600_000 - 5_000);
      const soon = await rejection(client.getOrderStatuses());
      expect(soon).toBeInstanceOf(UpgatesLoginBlockedError);
      expect((soon as UpgatesLoginBlockedError).retryAt.getTime() - Date.now()).toBeLessThanOrEqual(6_000);
      // Documented per IP: the block also refused the shop's own, correct login.
      expect(blocking.failedLogins.every((f) => f.apiUser === 'nobody')).toBe(true);
    } finally {
      await blocking.stop();
    }
  });
});
