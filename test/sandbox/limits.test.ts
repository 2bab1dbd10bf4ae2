import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { type Loose, api } from './helpers.js';

const GMT_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/;

describe('concurrency', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(() => sb.stop());

  it('the 4th concurrent request gets 429 with Retry-After as a GMT date', async () => {
    const shop = sb.createShop({ token: 'conc', orders: 5, products: 5, preinstalled: true });
    sb.faults.set('conc', { latencyMs: 300 });
    const results = await Promise.all(
      [0, 1, 2, 3].map((k) => new Promise((r) => setTimeout(r, k * 20)).then(() => api(shop, 'GET', '/orders'))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = results.find((r) => r.status === 429)!;
    const retryAfter = limited.headers.get('retry-after')!;
    expect(retryAfter).toMatch(GMT_DATE);
    expect(Date.parse(retryAfter)).toBeGreaterThan(Date.now() - 1000);
    expect(sb.maxConcurrency('conc')).toBe(3);
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.headers.get('retry-after')).toBeNull();
    sb.faults.clear('conc');
  });

  it('hung requests hold a slot until the client gives up; dropped connections yield status 0', async () => {
    const shop = sb.createShop({ token: 'faulty', orders: 5, products: 5, preinstalled: true });
    sb.faults.set('faulty', { hangRate: 1 });
    const ac = new AbortController();
    const hung = fetch(`${shop.apiUrl}/orders`, {
      headers: { authorization: `Basic ${Buffer.from(`${shop.credentials!.apiUser}:${shop.credentials!.apiKey}`).toString('base64')}` },
      signal: ac.signal,
    }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    expect(shop.inFlight).toBe(1);
    ac.abort();
    await hung;
    await new Promise((r) => setTimeout(r, 50));
    expect(shop.inFlight).toBe(0);
    sb.faults.set('faulty', { dropRate: 1 });
    await expect(api(shop, 'GET', '/orders')).rejects.toThrow();
    sb.faults.set('faulty', { errorRate: 1, errorStatus: 503 });
    expect((await api(shop, 'GET', '/orders')).status).toBe(503);
    sb.faults.set('faulty', { storm: { retryAfterSeconds: 30 } });
    const storm = await api(shop, 'GET', '/orders');
    expect(storm.status).toBe(429);
    expect(Date.parse(storm.headers.get('retry-after')!) - Date.now()).toBeGreaterThan(25_000);
    sb.faults.clear();
  });
});

describe('tariff counters (not verified)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ verifiedAddon: false });
  });
  afterAll(() => sb.stop());

  it('bronze: 10/hour then 100/day, headers, 429 with Retry-After at the next hour', async () => {
    const shop = sb.createShop({ token: 'bronze', tariff: 'bronze', orders: 5, products: 5, preinstalled: true });
    const first = await api(shop, 'GET', '/status');
    expect(first.headers.get('x-rate-limit-hour')).toBe('10');
    expect(first.headers.get('x-rate-limit-day')).toBe('100');
    expect(first.headers.get('x-rate-limit-hour-remaining')).toBe('9');
    expect(first.headers.get('x-rate-limit-day-remaining')).toBe('100');
    expect(first.headers.get('retry-after')).toBeNull();
    for (let k = 0; k < 109; k++) await api(shop, 'GET', '/status');
    const last = await api(shop, 'GET', '/status');
    expect(last.status).toBe(429);
    expect(last.headers.get('x-rate-limit-day-remaining')).toBe('0');
    const retry = Date.parse(last.headers.get('retry-after')!);
    expect(last.headers.get('retry-after')).toMatch(GMT_DATE);
    expect(retry % 3_600_000).toBe(0);
    // Next hour: the hourly allowance is back, the daily pool stays empty.
    sb.clock.advance(retry - sb.clock.now() + 1000);
    const next = await api(shop, 'GET', '/status');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-rate-limit-hour-remaining')).toBe('9');
  });
});

describe('verified add-on monitor', () => {
  it('is exempt from tariff limits but counts toward the daily monitor', async () => {
    const sb = await startSandbox({ monitorDailyLimit: 5 });
    try {
      const shop = sb.createShop({ token: 'verified', tariff: 'bronze', orders: 5, products: 5, preinstalled: true });
      for (let k = 0; k < 12; k++) expect((await api(shop, 'GET', '/status')).status).toBe(200);
      expect(shop.usage.monitorToday).toBe(12);
      expect(shop.usage.monitorAlert).toBe(true);
      const usage: Loose = await (await fetch(`${sb.url}/_sandbox/shops/verified/usage`)).json();
      expect(usage.usage.monitorAlert).toBe(true);
    } finally {
      await sb.stop();
    }
  });
});
