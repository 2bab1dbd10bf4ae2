import { describe, expect, it } from 'vitest';
import { UpgatesValidationError } from '../../src/upgates/errors.js';
import { customer, order, ownerResponse, product, webhookDeleteResult, webhookEvent } from '../../src/upgates/schemas/index.js';
import { parseResponse } from '../../src/upgates/validate.js';

// Trimmed from the real 2024 response quoted in upgates-reference.md §3.2 ([REAL]).
const realOrder = {
  order_number: '9000011',
  order_id: 1,
  status_id: 1,
  status: 'Přijatá',
  paid_date: null,
  tracking_code: null,
  prices_with_vat_yn: true,
  resolved_yn: false,
  last_update_time: '2024-02-29T14:24:49+01:00',
  creation_time: '2024-02-29T14:24:49+01:00',
  dimensions: { width: 0, length: 0, height: 0 },
  customer: {
    email: 'neco@nejak.cz',
    customer_id: 1,
    postal_yn: true,
    company_yn: true,
    vat_payer_yn: false,
    agreements: [
      { name: 'Obchodní podmínky', valid_to: null, status: true },
      { name: 'Newsletter', valid_to: { date: '2025-03-01 14:24:49.000000', timezone_type: 3, timezone: 'Europe/Prague' }, status: true },
    ],
  },
  products: [
    { product_id: 36, code: '2862', quantity: 3, parameters: [], configurations: [], categories: [{ category_id: 111, code: 'K00002' }] },
  ],
  metas: [],
};

describe('Upgates schemas accept real-world quirks', () => {
  it('orders: PHP DateTime or null in agreements[].valid_to, unknown fields kept', () => {
    const parsed = order.parse(realOrder);
    expect(parsed.customer?.agreements?.[1]?.valid_to).toEqual({
      date: '2025-03-01 14:24:49.000000',
      timezone_type: 3,
      timezone: 'Europe/Prague',
    });
    expect(parsed.customer?.agreements?.[0]?.valid_to).toBeNull();
    expect(parsed['dimensions']).toEqual({ width: 0, length: 0, height: 0 });
    expect((parsed.products?.[0] as Record<string, unknown>)['categories']).toEqual([{ category_id: 111, code: 'K00002' }]);
  });

  it('booleans as "1"/"0", 1/0 and true/false', () => {
    const parsed = order.parse({
      ...realOrder,
      resolved_yn: '1',
      prices_with_vat_yn: '0',
      customer: { ...realOrder.customer, postal_yn: 0 },
    });
    expect(parsed.resolved_yn).toBe(true);
    expect(parsed.prices_with_vat_yn).toBe(false);
    expect(parsed.customer?.postal_yn).toBe(false);
    expect(webhookEvent.parse({ name: 'Orders.create', allowed_yn: '1' }).allowed_yn).toBe(true);
  });

  it('a numeric order_number becomes a string', () => {
    expect(order.parse({ ...realOrder, order_number: 9000011 }).order_number).toBe('9000011');
  });

  it('products: metas values keyed by language (real) or as an array (documented)', () => {
    const realProduct = {
      code: '6937',
      product_id: 34,
      active_yn: true,
      stock: 4,
      descriptions: [{ language: 'cs', title: 'Zichovec 11° Irish Black Stout' }],
      variants: [{ code: '6937-L', variant_id: 7, active_yn: null, stock: 2, metas: [] }],
      vats: { cz: 21 },
      metas: [
        { key: 'col', type: 'input', value: '' },
        { key: 'redirect_301', type: 'textarea', values: { cs: { language: 'cs', value: '' }, sk: { language: 'sk', value: '/sk/' } } },
        { key: 'arr', type: 'input', values: [{ language: 'cs', value: 'x' }] },
      ],
    };
    const parsed = product.parse(realProduct);
    expect(parsed.metas?.[1]?.values).toEqual({ cs: { language: 'cs', value: '' }, sk: { language: 'sk', value: '/sk/' } });
    expect(parsed['vats']).toEqual({ cz: 21 });
    expect(parsed.variants?.[0]?.active_yn).toBeNull();
  });

  it('owner as a bare object or a one-element array', () => {
    const owner = { company: 'Firma s.r.o.', company_number: '12345678', email: 'a@b.cz', iban: null };
    expect(ownerResponse.parse({ owner })).toEqual(owner);
    expect(ownerResponse.parse({ owner: [owner] })).toEqual(owner);
    expect(() => ownerResponse.parse({ owner: [] })).toThrow();
  });

  it('customers: groups as an object in GET', () => {
    const parsed = customer.parse({
      customer_id: 1,
      login: { email: 'x@y.cz', active_yn: '1', blocked_yn: false },
      groups: { '3': 'VIP' },
      newsletter_yn: true,
    });
    expect(parsed.groups).toEqual({ '3': 'VIP' });
    expect(parsed.login?.active_yn).toBe(true);
  });

  it('webhook delete results: `deleted` (2025) or `deleted_yn` (2024)', () => {
    expect(webhookDeleteResult.parse({ id: '12', deleted: true, messages: [] }).deleted).toBe(true);
    expect(webhookDeleteResult.parse({ id: '12', deleted_yn: '1' }).deleted).toBe(true);
    expect(webhookDeleteResult.parse({ id: '12', deleted_yn: false, messages: [] }).deleted).toBe(false);
  });

  it('a validation failure names the resource and issues but not the record values', () => {
    const bad = { orders: [{ ...realOrder, customer: { ...realOrder.customer, email: { secret: 'jan.novak@example.cz' } } }] };
    let caught: unknown;
    try {
      parseResponse('orders', order.array(), bad.orders);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpgatesValidationError);
    const err = caught as UpgatesValidationError;
    expect(err.resource).toBe('orders');
    expect(err.issues[0]?.path).toBe('0.customer.email');
    expect(err.message).toContain('orders');
    expect(JSON.stringify({ message: err.message, issues: err.issues })).not.toContain('jan.novak');
  });
});
