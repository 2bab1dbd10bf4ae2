// The shop workflow's buffer of changed ids: plain JSON, deduplicated, deletes supersede earlier updates,
// a (re)create after a delete is fetched again.
import { describe, expect, it } from 'vitest';
import { addToPending, chunk, countsByResource, emptyPendingSet, oldestPendingMs, pendingCount } from '../../workflows/lib/pending-set.js';

const ids = (...list: string[]) => list.map((id) => ({ id }));

describe('pending set', () => {
  it('dedupes ids per resource and keeps the first time an id was seen', () => {
    const set = emptyPendingSet();
    expect(addToPending(set, { resource: 'orders', action: 'update', items: ids('1', '2', '2') }, 100)).toBe(3); // events, not distinct ids
    addToPending(set, { resource: 'orders', action: 'update', items: ids('1', '3') }, 200);
    addToPending(set, { resource: 'products', action: 'create', items: ids('1') }, 300);
    expect(set.upserts.orders).toEqual({ '1': 100, '2': 100, '3': 200 });
    expect(pendingCount(set)).toBe(4);
    expect(countsByResource(set)).toEqual({ orders: 3, products: 1 });
    expect(oldestPendingMs(set)).toBe(100);
  });

  it('a delete supersedes a pending update of the same id and keeps its deletion time', () => {
    const set = emptyPendingSet();
    addToPending(set, { resource: 'orders', action: 'update', items: ids('1', '2') }, 100);
    addToPending(set, { resource: 'orders', action: 'delete', items: [{ id: '1', time: '2025-01-01T10:00:00+01:00' }] }, 200);
    expect(set.upserts.orders).toEqual({ '2': 100 });
    expect(set.deletes.orders).toEqual({ '1': '2025-01-01T10:00:00+01:00' });
    expect(pendingCount(set)).toBe(2);
    // A delete without a time is kept with '' (the activity then uses "now").
    addToPending(set, { resource: 'orders', action: 'delete', items: [{ id: '3' }] }, 300);
    expect(set.deletes.orders!['3']).toBe('');
  });

  it('a re-create after a delete in the same window is fetched, not tombstoned', () => {
    const set = emptyPendingSet();
    addToPending(set, { resource: 'customers', action: 'delete', items: [{ id: '7', time: 'x' }] }, 100);
    addToPending(set, { resource: 'customers', action: 'create', items: ids('7') }, 200);
    expect(set.deletes.customers).toEqual({});
    expect(set.upserts.customers).toEqual({ '7': 200 });
    expect(pendingCount(set)).toBe(1);
  });

  it('resources are independent; the set is plain JSON (survives continue-as-new)', () => {
    const set = emptyPendingSet();
    addToPending(set, { resource: 'orders', action: 'update', items: ids('1') }, 1);
    addToPending(set, { resource: 'products', action: 'delete', items: ids('1') }, 2);
    expect(set.upserts.orders).toEqual({ '1': 1 });
    expect(set.deletes.products).toEqual({ '1': '' });
    expect(JSON.parse(JSON.stringify(set))).toEqual(set);
    expect(oldestPendingMs(emptyPendingSet())).toBeUndefined();
  });

  it('chunk splits into parts of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});
