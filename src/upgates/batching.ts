// Upgates takes at most 100 items per request (fetch-by-ids lists and write bodies); above that a PUT gets
// 413 and nothing is processed. We never send more than 100, and if Upgates still answers 413 (a lower limit
// for some body we did not foresee, e.g. products with many variants) we halve the batch and try again —
// safe because a 413 batch was not applied at all.
import { chunk as chunkOf } from '../../workflows/lib/chunk.js';
import { UpgatesPayloadTooLargeError } from './errors.js';

export const MAX_ITEMS_PER_REQUEST = 100;

/** Batches of at most 100 (Upgates' limit) unless told otherwise. */
export const chunk = <T>(items: readonly T[], size: number = MAX_ITEMS_PER_REQUEST): T[][] => chunkOf(items, size);

/** Unique ids in first-seen order: a webhook burst often names the same record several times. */
export const uniqueIds = <T extends string | number>(ids: readonly T[]): T[] => [...new Set(ids)];

/**
 * Sends `items` in batches of at most `maxBatch`, one after the other, and concatenates the per-item results.
 * Sequential on purpose: one activity should hold one of the shop's 3 slots, leaving the rest for others.
 */
export async function sendInBatches<I, R>(
  items: readonly I[],
  send: (batch: I[]) => Promise<R[]>,
  maxBatch: number = MAX_ITEMS_PER_REQUEST,
): Promise<R[]> {
  const results: R[] = [];
  for (const batch of chunk(items, maxBatch)) results.push(...(await sendSplitting(batch, send)));
  return results;
}

async function sendSplitting<I, R>(batch: I[], send: (batch: I[]) => Promise<R[]>): Promise<R[]> {
  try {
    return await send(batch);
  } catch (err) {
    if (!(err instanceof UpgatesPayloadTooLargeError) || batch.length < 2) throw err;
    const middle = Math.ceil(batch.length / 2);
    const first = await sendSplitting(batch.slice(0, middle), send);
    const second = await sendSplitting(batch.slice(middle), send);
    return [...first, ...second];
  }
}
