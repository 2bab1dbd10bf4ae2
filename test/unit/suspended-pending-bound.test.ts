// workflows/lib/suspension.ts: the bound on webhook ids a suspended shop keeps.
import { describe, expect, it } from 'vitest';
import { addToPending, pendingCount } from '../../workflows/lib/pending-set.js';
import { boundSuspendedPending } from '../../workflows/lib/suspension.js';
import { initialShopState } from '../../workflows/shop-sync.js';

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: String(from + i) }));

describe('boundSuspendedPending', () => {
  const since = '2026-12-01T10:00:00.000Z';

  it('keeps ids up to the bound and changes nothing', () => {
    const s = initialShopState('t');
    s.suspension = { reason: null, since, droppedIds: 0 };
    addToPending(s.pending, { resource: 'orders', action: 'update', items: ids(1, 5) }, Date.parse(since) + 1000);
    expect(boundSuspendedPending(s, 5)).toBe(0);
    expect(pendingCount(s.pending)).toBe(5);
    expect(s.suspension).toEqual({ reason: null, since, droppedIds: 0 });
  });

  it('over the bound drops the upserts, keeps the deletes, and catches up from the oldest dropped id when it predates the suspension', () => {
    const s = initialShopState('t');
    s.suspension = { reason: null, since, droppedIds: 0 };
    const before = Date.parse(since) - 30_000; // seen before the suspension, not flushed yet
    addToPending(s.pending, { resource: 'orders', action: 'update', items: ids(1, 3) }, before);
    addToPending(s.pending, { resource: 'orders', action: 'delete', items: [{ id: '99', time: since }] }, Date.parse(since));
    addToPending(s.pending, { resource: 'products', action: 'update', items: ids(100, 4) }, Date.parse(since) + 5000);
    expect(boundSuspendedPending(s, 5)).toBe(7);
    expect(s.pending).toEqual({ upserts: {}, deletes: { orders: { '99': since } } });
    expect(s.suspension).toEqual({ reason: null, since, droppedIds: 7, catchUpFrom: new Date(before).toISOString() });
  });

  it('drops the deletes too only when they alone exceed the bound; without a suspension it does nothing', () => {
    const s = initialShopState('t');
    addToPending(s.pending, { resource: 'orders', action: 'delete', items: ids(1, 4) }, 0);
    expect(boundSuspendedPending(s, 2)).toBe(0);
    s.suspension = { reason: 'x', since, droppedIds: 1, catchUpFrom: '2026-11-30T00:00:00.000Z' };
    expect(boundSuspendedPending(s, 2)).toBe(4);
    expect(pendingCount(s.pending)).toBe(0);
    expect(s.firstPendingAt).toBeNull();
    // An earlier catch-up start is kept.
    expect(s.suspension).toMatchObject({ droppedIds: 5, catchUpFrom: '2026-11-30T00:00:00.000Z' });
  });
});
