import { describe, expect, it } from 'vitest';
import { UsageBudgetExceededError } from '../../src/upgates/errors.js';
import { UsageGuard } from '../../src/upgates/usage-guard.js';
import { accessKey, MemoryUsageLedger, utcDay } from '../../src/upgates/usage-ledger.js';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { fakeUpgates, listPage } from './upgates-fake-api.js';

const today = () => utcDay(new Date());

describe('usage ledger', () => {
  it('access keys avoid dots and colons; days are UTC', () => {
    expect(accessKey('orders:GET')).toBe('orders_GET');
    expect(accessKey('orderStatuses:PUT')).toBe('orderStatuses_PUT');
    expect(utcDay(new Date('2025-05-01T23:30:00-02:00'))).toBe('2025-05-02');
  });

  it('the client counts every attempt per shop and access, 429s and retries included', async () => {
    let n = 0;
    const fake = fakeUpgates((req) => {
      n++;
      if (n === 1) return { status: 429, headers: { 'retry-after': new Date(req.at).toUTCString() } };
      if (req.method === 'PUT') return { body: { orders: [{ order_number: '1', updated_yn: true, messages: [] }] } };
      return { body: listPage('orders', [{ order_number: '1' }], 1, 1) };
    });
    const ledger = new MemoryUsageLedger();
    const client = fake.client({ shopToken: 'counted', ledger });
    await client.getOrdersByNumbers(['1']);
    await client.updateOrders([{ order_number: '1', tracking_code: 'X' }], { sendEmails: false });
    const usage = await ledger.getUsage('counted', today());
    expect(usage.counts).toEqual({ 'orders:GET': 2, 'orders:PUT': 1 });
    expect(usage.total).toBe(fake.requests.length);
    const summary = await ledger.getUsageSummary(today());
    expect(summary.byAccess['orders:GET']).toBe(2);
  });

  it('exports upgates_api_calls_total by access and status, without the shop token', async () => {
    const fake = fakeUpgates(() => ({ body: { owner: { company: 'x' } } }));
    await fake.client({ shopToken: 'metrics-shop' }).getOwner();
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/upgates_api_calls_total\{access="owner:GET",status="200"\} \d+/);
    expect(text).toContain('upgates_api_request_duration_seconds_bucket');
    expect(text).not.toContain('metrics-shop');
  });
});

describe('usage guard', () => {
  it('refuses optional calls over the declared frequency; mandatory calls go on', async () => {
    const fake = fakeUpgates(() => ({ body: listPage('orders', [{ order_number: '1' }], 1, 1) }));
    const ledger = new MemoryUsageLedger();
    const client = fake.client({ shopToken: 'declared', ledger, declaredCallsPerDay: { 'orders:GET': 2 } });
    await client.getOrdersByNumbers(['1'], { priority: 'optional' });
    await client.getOrdersByNumbers(['1'], { priority: 'optional' });
    await expect(client.getOrdersByNumbers(['1'], { priority: 'optional' })).rejects.toMatchObject({
      name: 'UsageBudgetExceededError',
      reason: 'declared-frequency',
      access: 'orders:GET',
    });
    await client.getOrdersByNumbers(['1']);
    await client.getOrdersByNumbers(['1'], { priority: 'mandatory' });
    expect(fake.requests).toHaveLength(4);
    expect((await ledger.getUsage('declared', today())).counts['orders:GET']).toBe(4);
  });

  it('refuses optional calls on an undeclared access', async () => {
    const fake = fakeUpgates(() => ({ body: { owner: { company: 'x' } } }));
    const client = fake.client({ ledger: new MemoryUsageLedger(), declaredCallsPerDay: {} });
    await expect(client.getOwner({ priority: 'optional' })).rejects.toMatchObject({ reason: 'undeclared-access' });
    expect(fake.requests).toHaveLength(0);
  });

  it('optional calls without a ledger are a programming error, not a silent pass', async () => {
    const fake = fakeUpgates(() => ({ body: { owner: { company: 'x' } } }));
    await expect(fake.client().getOwner({ priority: 'optional' })).rejects.toThrow(/usage guard/);
  });

  it('refuses optional calls above 80% of the 60,000/day monitor', async () => {
    const usage = { shopToken: 's', day: today(), total: 47_999, counts: { 'orders:GET': 10 } };
    const guard = new UsageGuard({ getUsage: async () => usage });
    await guard.checkOptionalCall('s', 'orders:GET', { declaredCallsPerDay: 1_000 });
    usage.total = 48_000;
    const err = await guard.checkOptionalCall('s', 'orders:GET', { declaredCallsPerDay: 1_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageBudgetExceededError);
    expect(err).toMatchObject({ reason: 'daily-monitor', used: 48_000, limit: 48_000 });
    await expect(guard.checkOptionalCall('s', 'orders:GET', { declaredCallsPerDay: 20, plannedCalls: 11 })).rejects.toMatchObject({
      reason: 'declared-frequency',
    });
  });
});
