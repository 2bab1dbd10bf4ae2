// The spreading order of reconciliation slots (issue 18.4): at any fleet size the busiest hour holds at most
// one shop more than the quietest, i.e. max/mean is the best an integer split allows (<= 1.10 wherever
// ceil(n/24)/(n/24) <= 1.10; at 100 shops no split can beat 5 / 4.17 = 1.2).
import { describe, expect, it } from 'vitest';
import { HOUR_ORDER, radicalInverse2, slotFraction } from '../../src/shops/reconcile-slot-order.js';

const hourCounts = (n: number) => {
  const counts = new Array<number>(24).fill(0);
  for (let p = 0; p < n; p++) counts[Math.floor(slotFraction(p) * 24)]!++;
  return counts;
};

describe('reconcile slot order', () => {
  it('visits every hour once per 24 positions', () => {
    expect([...HOUR_ORDER].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, h) => h));
  });

  it.each([1, 2, 7, 24, 100, 1_000, 10_000, 12_345])('%i shops: hours differ by at most one shop; best possible max/mean', (n) => {
    const counts = hourCounts(n);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const spread = Math.max(...counts) / (n / 24);
    expect(spread).toBeCloseTo(Math.ceil(n / 24) / (n / 24), 10);
    if (n >= 1_000) expect(spread).toBeLessThanOrEqual(1.1);
  });

  it('gives distinct times in [0, 1) and spreads one hour over its minutes', () => {
    const fractions = Array.from({ length: 5_000 }, (_, p) => slotFraction(p));
    expect(new Set(fractions).size).toBe(fractions.length);
    expect(fractions.every((f) => f >= 0 && f < 1)).toBe(true);
    // The 8 shops of hour 0 sit at 0, 1/2, 1/4, 3/4, ... of the hour.
    expect(Array.from({ length: 4 }, (_, k) => radicalInverse2(k))).toEqual([0, 0.5, 0.25, 0.75]);
  });

  it('spreads a small fleet over the day (two shops are hours apart)', () => {
    const [a, b] = [slotFraction(0), slotFraction(1)];
    expect(Math.abs(a - b) * 24).toBeGreaterThanOrEqual(8);
  });
});
