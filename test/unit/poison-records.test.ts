// Issue 16.1/16.2, pure parts: bisection isolates exactly the ids whose content fails, with few extra calls and
// never for failures that are not about a record; a pending set split for spilling rebuilds the same ids.
import { describe, expect, it } from 'vitest';
import { fetchIsolatingPoison } from '../../activities/poison-records.js';
import { RecordMappingError } from '../../activities/record-mapping.js';
import { UpgatesAuthError, UpgatesValidationError } from '../../src/upgates/errors.js';
import { addToPending, emptyPendingSet, splitPending } from '../../workflows/lib/pending-set.js';

function fakeFetch(
  bad: Set<string>,
  error: () => Error = () => new UpgatesValidationError('orders', [{ path: 'orders.0.x', code: 'c', message: 'm' }]),
) {
  const calls: string[][] = [];
  const fetch = async (ids: string[]) => {
    calls.push(ids);
    if (ids.some((id) => bad.has(id))) throw error();
    return ids.map((id) => ({ id }));
  };
  return { calls, fetch };
}

describe('poison record isolation', () => {
  const ids = Array.from({ length: 100 }, (_, i) => String(i + 1));

  it('one call when nothing fails', async () => {
    const { calls, fetch } = fakeFetch(new Set());
    const result = await fetchIsolatingPoison(ids, fetch);
    expect(result.items).toHaveLength(100);
    expect(result.poisoned).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('isolates exactly one bad id among 100 with at most 15 calls', async () => {
    const { calls, fetch } = fakeFetch(new Set(['58']));
    const result = await fetchIsolatingPoison(ids, fetch);
    expect(result.poisoned.map((p) => p.id)).toEqual(['58']);
    expect(result.poisoned[0]!.error).toContain('orders.0.x');
    expect(result.items.map((i) => i.id).sort()).toEqual(ids.filter((id) => id !== '58').sort());
    expect(calls.length).toBeLessThanOrEqual(15);
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(100);
  });

  it('isolates two bad ids and mapping failures too', async () => {
    const { fetch } = fakeFetch(new Set(['3', '77']), () => new RecordMappingError('orders record without order_number'));
    const result = await fetchIsolatingPoison(ids, fetch);
    expect(result.poisoned.map((p) => p.id).sort()).toEqual(['3', '77']);
    expect(result.items).toHaveLength(98);
  });

  it('does not bisect a failure that is not about a record (401)', async () => {
    const { calls, fetch } = fakeFetch(new Set(['1']), () => new UpgatesAuthError('GET /orders 401'));
    await expect(fetchIsolatingPoison(ids, fetch)).rejects.toBeInstanceOf(UpgatesAuthError);
    expect(calls).toHaveLength(1);
  });
});

describe('splitPending', () => {
  it('splits into batches of at most N ids that rebuild the same set', () => {
    const set = emptyPendingSet();
    addToPending(set, { resource: 'orders', action: 'update', items: Array.from({ length: 2500 }, (_, i) => ({ id: `o${i}` })) }, 1);
    addToPending(set, { resource: 'orders', action: 'delete', items: [{ id: 'd1', time: '2026-01-01T00:00:00Z' }] }, 1);
    addToPending(set, { resource: 'products', action: 'update', items: [{ id: 'p1' }] }, 1);
    const batches = splitPending(set, 1000);
    expect(Math.max(...batches.map((b) => b.items.length))).toBeLessThanOrEqual(1000);
    const rebuilt = emptyPendingSet();
    for (const b of batches) addToPending(rebuilt, b, 1);
    expect(rebuilt).toEqual(set);
  });
});
