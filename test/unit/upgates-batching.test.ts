import { describe, expect, it } from 'vitest';
import { chunk, sendInBatches } from '../../src/upgates/batching.js';
import { UpgatesPayloadTooLargeError } from '../../src/upgates/errors.js';
import { fakeUpgates, listPage } from './upgates-fake-api.js';

describe('fetch by ids in chunks of 100', () => {
  it('250 order numbers → 3 calls, ids URL-encoded but joined with a literal ;', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `2025/${i}`);
    const fake = fakeUpgates((req) => {
      const numbers = (req.query.get('order_numbers') ?? '').split(';');
      return {
        body: listPage(
          'orders',
          numbers.map((n) => ({ order_number: n })),
          1,
          1,
        ),
      };
    });
    const orders = await fake.client().getOrdersByNumbers([...ids, ids[0]!]);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((r) => r.query.get('order_numbers')!.split(';').length)).toEqual([100, 100, 50]);
    expect(fake.requests[0]!.search).toContain('order_numbers=2025%2F0;2025%2F1;');
    expect(orders.map((o) => o.order_number)).toEqual(ids);
  });

  it('products (50 per page) walk both pages of a 100-id chunk', async () => {
    const fake = fakeUpgates((req) => {
      const ids = (req.query.get('product_ids') ?? '').split(';');
      const page = Number(req.query.get('page'));
      return {
        body: listPage(
          'products',
          ids.slice((page - 1) * 50, page * 50).map((id) => ({ product_id: Number(id) })),
          page,
          2,
          ids.length,
        ),
      };
    });
    const products = await fake.client().getProductsByIds(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(products).toHaveLength(100);
    expect(fake.requests.map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });
});

describe('writes', () => {
  it('250 order updates → PUTs of 100, 100, 50 with send_emails_yn as asked', async () => {
    const fake = fakeUpgates((req) => {
      const orders = (req.body as { orders: Array<{ order_number: string }> }).orders;
      return { body: { orders: orders.map((o) => ({ order_number: o.order_number, updated_yn: true, messages: [] })) } };
    });
    const items = Array.from({ length: 250 }, (_, i) => ({ order_number: String(i), tracking_code: `T${i}` }));
    const results = await fake.client().updateOrders(items, { sendEmails: false });
    expect(fake.requests.map((r) => [r.method, r.path, (r.body as { orders: unknown[] }).orders.length])).toEqual([
      ['PUT', '/api/v2/orders', 100],
      ['PUT', '/api/v2/orders', 100],
      ['PUT', '/api/v2/orders', 50],
    ]);
    expect(fake.requests[0]!.body).toMatchObject({ send_emails_yn: false, send_sms_yn: false });
    expect(results).toHaveLength(250);
    expect(results.every((r) => r.updated_yn === true)).toBe(true);
  });

  it('413 → the batch is split in halves and retried, results in order', async () => {
    // This fake Upgates accepts at most 30 products per request.
    const fake = fakeUpgates((req) => {
      const products = (req.body as { products: Array<{ code: string }> }).products;
      if (products.length > 30) return { status: 413, body: { message: 'too large' } };
      return { body: { products: products.map((p) => ({ code: p.code, updated_yn: '1', messages: [] })) } };
    });
    const items = Array.from({ length: 100 }, (_, i) => ({ code: `P${i}`, stock: i }));
    const results = await fake.client().updateProducts(items);
    expect(results.map((r) => r.code)).toEqual(items.map((i) => i.code));
    // 100 → 413; 50 → 413, 25, 25; 50 → 413, 25, 25
    expect(fake.requests.map((r) => (r.body as { products: unknown[] }).products.length)).toEqual([100, 50, 25, 25, 50, 25, 25]);
  });

  it('413 on a single item is thrown', async () => {
    await expect(
      sendInBatches([1], async () => {
        throw new UpgatesPayloadTooLargeError('413', 1);
      }),
    ).rejects.toBeInstanceOf(UpgatesPayloadTooLargeError);
  });

  it('chunk', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
