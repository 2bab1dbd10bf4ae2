import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/index.js';
import { api, sleep, startReceiver } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: SandboxOptions, respond: Parameters<typeof startReceiver>[0] = () => ({})) {
  const sb: Sandbox = await startSandbox({ webhookBatchWindowMs: 20, ...opts });
  const hook = await startReceiver(respond);
  cleanups.push(
    () => sb.stop(),
    () => hook.close(),
  );
  const shop = sb.createShop({ token: 'wh', seed: 3, orders: 50, products: 20, customers: 10, preinstalled: true });
  const register = async (event: string, path = '/hook') => {
    const r = await api(shop, 'POST', '/webhooks', { name: event, url: `${hook.url}${path}`, event });
    expect(r.status).toBe(200);
    return r.body.webhook.id as number;
  };
  return { sb, hook, shop, register };
}

describe('webhook deliveries', () => {
  it('mutations move last_update_time and emit family payloads', async () => {
    const { sb, hook, shop, register } = await setup({});
    for (const e of [
      'Orders.create',
      'Orders.update',
      'Orders.delete',
      'Products.update',
      'Products.delete',
      'Customers.create',
      'Customers.update',
      'Categories.update',
    ])
      await register(e, `/${e}`);
    const beforeOrders = new Map(shop.data.orders.map((o) => [o.order_number as string, o.last_update_time as string]));
    const result = shop.mutate({
      orders: { update: 3, create: 2, delete: 1 },
      products: { update: 2, delete: 1 },
      customers: { update: 1, create: 1 },
      categories: { update: 1 },
    });
    expect(result.orders.updated).toHaveLength(3);
    for (const num of result.orders.updated) {
      const now = shop.data.order(num)!.last_update_time as string;
      expect(Date.parse(now)).toBeGreaterThanOrEqual(Date.parse(beforeOrders.get(num)!));
      expect(shop.store.orderByNum.get(num)!.updated).toBeGreaterThan(Date.parse(beforeOrders.get(num)!));
    }
    await sb.flushWebhooks();
    await sb.waitForDeliveriesIdle(5000);
    const byPath = (p: string) => hook.received.filter((r) => r.path === p).map((r) => r.body);

    const upd = byPath('/Orders.update');
    expect(upd).toHaveLength(1); // batched into one call
    expect(Object.keys(upd[0])).toEqual(['project_name', 'orders']);
    expect(upd[0].project_name).toBe(shop.projectName);
    expect(upd[0].orders.map((o: { order_number: string }) => o.order_number).sort()).toEqual([...result.orders.updated].sort());
    expect(Object.keys(upd[0].orders[0])).toEqual(['order_number', 'last_update_time', 'status_id', 'status']);
    expect(upd[0].orders[0].last_update_time).toMatch(ISO);

    const created = byPath('/Orders.create')[0];
    expect(Object.keys(created.orders[0])).toEqual(['order_number', 'creation_time', 'status_id', 'status']);
    expect(byPath('/Orders.delete')[0].orders[0]).toEqual({
      order_number: result.orders.deleted[0],
      deletion_time: expect.stringMatching(ISO),
    });

    const pdel = byPath('/Products.delete')[0];
    expect(Object.keys(pdel)).toEqual(['project_name', 'products', 'variants']);
    expect(Object.keys(pdel.products[0])).toEqual(['product_id', 'code', 'deletion_time']);
    expect(Object.keys(byPath('/Products.update')[0].products[0])).toEqual(['product_id', 'code', 'last_update_time']);

    const ccreate = byPath('/Customers.create')[0].customers[0];
    expect(Object.keys(ccreate)).toEqual(['customer_id', 'email', 'code', 'creation_time', 'active_yn', 'blocked_yn']);
    expect(Object.keys(byPath('/Customers.update')[0].customers[0])).toEqual(['customer_id', 'email', 'code', 'last_update_time']);
    expect(Object.keys(byPath('/Categories.update')[0].categories[0])).toEqual(['category_id', 'code', 'last_update_time']);
    expect(sb.deliveries.every((d) => d.state === 'delivered')).toBe(true);
  });

  it('splits large batches at the per-call record limit', async () => {
    const { sb, hook, shop, register } = await setup({ webhookMaxRecords: 4 });
    await register('Orders.update');
    shop.mutate({ orders: { update: 10 } });
    await sb.flushWebhooks();
    await sb.waitForDeliveriesIdle(5000);
    expect(hook.received.map((r) => r.body.orders.length)).toEqual([4, 4, 2]);
  });

  it('an API PUT fires the webhook too', async () => {
    const { sb, hook, shop, register } = await setup({});
    await register('Orders.update');
    await api(shop, 'PUT', '/orders', { orders: [{ order_number: '9000003', tracking_code: 'T1' }] });
    await sb.waitForDeliveriesIdle(5000);
    expect(hook.received[0]!.body.orders[0].order_number).toBe('9000003');
  });

  it('retries every 5 min (scaled) and deactivates after 12 h (scaled)', async () => {
    // timeScale 0.00002: 5 min = 6 ms, 12 h = 864 ms.
    const { sb, hook, shop, register } = await setup({ timeScale: 0.00002 }, () => ({ status: 500 }));
    const id = await register('Orders.update');
    shop.updateOrder('9000004', { internal_note: 'x' });
    await sb.waitForDeliveriesIdle(10_000);
    const d = sb.deliveries[0]!;
    expect(d.state).toBe('abandoned');
    expect(d.attempts.length).toBeGreaterThan(20);
    expect(d.attempts.every((a) => a.status === 500 && a.outcome === 'bad-status')).toBe(true);
    const w = shop.webhooks.find((x) => x.id === id)!;
    expect(w.active_yn).toBe(false);
    expect(w.last_error_call_status).toBe(500);
    // Deactivated webhooks get nothing more.
    const calls = hook.received.length;
    shop.updateOrder('9000004', { internal_note: 'y' });
    await sb.flushWebhooks();
    await sleep(50);
    expect(hook.received.length).toBe(calls);
  });

  it('recovers when the receiver starts answering 204', async () => {
    let fail = 2;
    const { sb, shop, register } = await setup({ timeScale: 0.0001 }, () => (fail-- > 0 ? { status: 503 } : { status: 204 }));
    await register('Orders.update');
    shop.updateOrder('9000005', { internal_note: 'x' });
    await sb.waitForDeliveriesIdle(10_000);
    expect(sb.deliveries[0]).toMatchObject({ state: 'delivered' });
    expect(sb.deliveries[0]!.attempts.map((a) => a.status)).toEqual([503, 503, 204]);
  });

  it('timeouts retry by default; with timeoutCountsAsDelivered they count as delivered', async () => {
    const slow = () => ({ delayMs: 300 });
    const a = await setup({ webhookTimeoutMs: 100, timeScale: 0.0001 }, slow);
    await a.register('Orders.update');
    a.shop.updateOrder('9000006', { internal_note: 'x' });
    await a.sb.flushWebhooks();
    await sleep(150);
    expect(a.sb.deliveries[0]!.attempts[0]!.outcome).toBe('timeout');
    a.sb.config.timeoutCountsAsDelivered = true;
    await a.sb.waitForDeliveriesIdle(10_000);
    expect(a.sb.deliveries[0]!.state).toBe('delivered');

    const b = await setup({ webhookTimeoutMs: 100, timeoutCountsAsDelivered: true }, slow);
    await b.register('Orders.update');
    b.shop.updateOrder('9000006', { internal_note: 'x' });
    await b.sb.waitForDeliveriesIdle(5000);
    expect(b.sb.deliveries[0]).toMatchObject({ state: 'delivered' });
    expect(b.sb.deliveries[0]!.attempts).toHaveLength(1);
  });

  it('injects duplicates', async () => {
    const { sb, hook, shop, register } = await setup({ duplicateRate: 1 });
    await register('Orders.update');
    shop.updateOrder('9000007', { internal_note: 'x' });
    await sb.waitForDeliveriesIdle(5000);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]!.body).toEqual(hook.received[1]!.body);
    expect(sb.deliveries.map((d) => d.duplicate)).toEqual([false, true]);
  });

  it('passes credentials embedded in the URL as HTTP Basic', async () => {
    const { sb, hook, shop } = await setup({});
    const url = hook.url.replace('http://', 'http://us%40er:p%3Ass@');
    await api(shop, 'POST', '/webhooks', { name: 'c', url: `${url}/c`, event: 'Orders.update' });
    shop.updateOrder('9000008', { internal_note: 'x' });
    await sb.waitForDeliveriesIdle(5000);
    expect(hook.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  });
});
