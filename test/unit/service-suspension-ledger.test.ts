// src/shops/service-suspension.ts: the client's ledger refuses the next request once the service is suspended,
// so an activity already running when the suspension lands stops before its next Upgates call.
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerRefusingWhenSuspended, type ServiceField } from '../../src/shops/service-suspension.js';
import type { UsageLedger } from '../../src/upgates/usage-ledger.js';

describe('ledgerRefusingWhenSuspended', () => {
  afterEach(() => vi.useRealTimers());

  it('counts while active; refuses (non-retryable ServiceSuspended, nothing counted) within a second of the suspension', async () => {
    vi.useFakeTimers();
    const recorded: string[] = [];
    const inner: UsageLedger = {
      record: async (_token, access) => void recorded.push(access),
      getUsage: async (shopToken, day) => ({ shopToken, day, total: recorded.length, counts: {} }),
    };
    let shop: ServiceField = { service: null };
    const readShop = vi.fn(async () => shop);
    const ledger = ledgerRefusingWhenSuspended(inner, 'shop-1', readShop);

    await ledger.record('shop-1', 'orders:GET');
    expect(readShop).not.toHaveBeenCalled(); // clientForShop has just checked
    shop = { service: { state: 'suspended', reason: 'unpaid', since: new Date() } };
    await ledger.record('shop-1', 'orders:GET'); // within the re-check interval: still the cached answer
    vi.advanceTimersByTime(1000);
    const refused = await ledger.record('shop-1', 'products:GET').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'ServiceSuspended', nonRetryable: true });
    expect((refused as Error).message).toContain('unpaid');
    expect(recorded).toEqual(['orders:GET', 'orders:GET']);
    expect(readShop).toHaveBeenCalledTimes(1);
    // Usage reads (the budget guard) still work.
    expect((await ledger.getUsage('shop-1', '2026-12-02')).total).toBe(2);

    shop = { service: { state: 'active', reason: null, since: new Date() } };
    vi.advanceTimersByTime(1000);
    await ledger.record('shop-1', 'orders:GET');
    expect(recorded).toHaveLength(3);
  });
});
