import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Semaphore, shopSemaphore, UPGATES_MAX_CONCURRENCY } from '../../src/upgates/semaphore.js';

describe('Semaphore', () => {
  it('20 racing fake tasks never exceed 3 in flight, and all finish', async () => {
    const semaphore = new Semaphore(3);
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await sleep(1 + (i % 4));
          inFlight--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done).toHaveLength(20);
    expect(semaphore.active).toBe(0);
  });

  it('releases the slot when a task throws, and a double release is harmless', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.active).toBe(0);
  });

  it('is shared per shop token across callers', () => {
    expect(shopSemaphore('shop-a')).toBe(shopSemaphore('shop-a'));
    expect(shopSemaphore('shop-a')).not.toBe(shopSemaphore('shop-b'));
    expect(shopSemaphore('shop-a').limit).toBe(UPGATES_MAX_CONCURRENCY);
  });
});
