import { describe, expect, it } from 'vitest';
import { collectPages } from '../../src/upgates/pagination.js';
import { fakeUpgates, listPage } from './upgates-fake-api.js';

const orders = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ order_number: String(from + i) }));

describe('iteratePages', () => {
  it('walks all announced pages', async () => {
    const fake = fakeUpgates((req) => {
      const page = Number(req.query.get('page'));
      return { body: listPage('orders', orders((page - 1) * 100, page < 3 ? 100 : 42), page, 3, 242) };
    });
    const pages = [];
    for await (const page of fake.client().listOrders({ last_update_time_from: '2025-01-01T00:00:00+01:00' })) pages.push(page);
    expect(pages.map((p) => [p.page, p.items.length, p.numberOfPages])).toEqual([
      [1, 100, 3],
      [2, 100, 3],
      [3, 42, 3],
    ]);
    // `+` of the offset must be sent encoded.
    expect(fake.requests[0]!.search).toContain('last_update_time_from=2025-01-01T00%3A00%3A00%2B01%3A00');
  });

  it.each([
    ['number_of_pages 0', { current_page: 1, current_page_items: 0, number_of_pages: 0, number_of_items: 0, orders: [] }],
    ['number_of_pages 1', { current_page: 1, current_page_items: 0, number_of_pages: 1, number_of_items: 0, orders: [] }],
    ['no list key', { current_page: 1, current_page_items: 0, number_of_pages: 0, number_of_items: 0 }],
  ])('an empty result (%s) ends after one call', async (_name, body) => {
    const fake = fakeUpgates(() => ({ body }));
    expect(await collectPages(fake.client().listOrders())).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops at an empty page even if more pages were announced (records deleted meanwhile)', async () => {
    const fake = fakeUpgates((req) => {
      const page = Number(req.query.get('page'));
      return { body: listPage('orders', page === 1 ? orders(0, 100) : [], page, 5, 500) };
    });
    expect(await collectPages(fake.client().listOrders())).toHaveLength(100);
    expect(fake.requests).toHaveLength(2);
  });

  it('a non-paginated endpoint (no number_of_pages) is one call', async () => {
    const fake = fakeUpgates(() => ({
      body: { languages: [{ language_id: 'cs', active_yn: true, default_yn: '1' }, { language_id: 'sk' }] },
    }));
    const languages = await fake.client().getLanguages();
    expect(languages.map((l) => [l.language_id, l.default_yn])).toEqual([
      ['cs', true],
      ['sk', undefined],
    ]);
    expect(fake.requests).toHaveLength(1);
  });
});
