import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../sandbox/clock.js';
import { generateShop } from '../../sandbox/data/generate.js';
import { renderCustomer, renderOrder, renderProduct } from '../../sandbox/data/render.js';
import { isoTime, parseDate } from '../../sandbox/time.js';

const opts = {
  seed: 42,
  projectName: 'det',
  languages: ['cs', 'sk', 'en'],
  orders: 300,
  products: 60,
  customers: 40,
  categories: 10,
  ordersSpreadDays: 30,
  now: Date.UTC(2025, 0, 15, 12),
};

describe('deterministic generation', () => {
  it('same seed => same data; different seed => different data', () => {
    const a = generateShop(opts);
    const b = generateShop(opts);
    const c = generateShop({ ...opts, seed: 43 });
    const render = (d: ReturnType<typeof generateShop>) => ({
      orders: d.orders.map((o) => renderOrder(d, o)),
      products: d.products.map((p) => renderProduct(d, p)),
      customers: d.customers.map((x) => renderCustomer(d, x)),
      catalog: d.catalog,
    });
    expect(render(a)).toEqual(render(b));
    expect(render(a).orders).not.toEqual(render(c).orders);
  });

  it('generated times are increasing and before now', () => {
    const d = generateShop(opts);
    for (let k = 1; k < d.orders.length; k++) expect(d.orders[k]!.created).toBeGreaterThanOrEqual(d.orders[k - 1]!.created);
    expect(Math.max(...d.orders.map((o) => o.updated))).toBeLessThan(opts.now);
  });

  it('generates 100,000 orders and 10,000 products quickly', () => {
    const started = performance.now();
    const d = generateShop({ ...opts, orders: 100_000, products: 10_000, customers: 5_000 });
    expect(d.orders).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('time helpers', () => {
  it('renders Prague offsets across DST and parses lenient inputs', () => {
    expect(isoTime(Date.UTC(2024, 1, 29, 13, 24, 49))).toBe('2024-02-29T14:24:49+01:00');
    expect(isoTime(Date.UTC(2024, 6, 1, 10, 0, 0))).toBe('2024-07-01T12:00:00+02:00');
    expect(parseDate('2024-01-01T00:00:00+01:00')).toBe(Date.UTC(2023, 11, 31, 23));
    expect(parseDate('2024-01-01T00:00:00 01:00')).toBe(Date.UTC(2023, 11, 31, 23));
    expect(parseDate('2025-1-1')).toBe(Date.UTC(2024, 11, 31, 23));
  });
  it('the clock stamps strictly increasing times', () => {
    const c = new SandboxClock();
    const a = c.stamp();
    const b = c.stamp();
    expect(b).toBeGreaterThan(a);
  });
});
