// Isolates poison records (issue 16.1): when fetching a list of ids fails because of ONE record's content (a
// schema mismatch in Upgates' answer, or a record we cannot map), the list is split in halves and each half is
// tried again, down to the single ids that fail. API calls stay low: nothing extra is spent unless a call
// failed, and one bad id among 100 costs about 2 x log2(100) = 14 more calls. Failures that are not about a
// record (401, 403, budget, network) are thrown unchanged: bisecting them would only multiply failing calls.
import { UpgatesValidationError } from '../src/upgates/errors.js';
import { RecordMappingError } from './record-mapping.js';

export interface IsolatedFetch<T> {
  items: T[];
  poisoned: Array<{ id: string; error: string }>;
}

/** Whether a failure is caused by the content of a record (so a smaller id list may succeed). */
export function isRecordContentFailure(error: unknown): boolean {
  return error instanceof UpgatesValidationError || error instanceof RecordMappingError;
}

export async function fetchIsolatingPoison<T>(ids: string[], fetch: (ids: string[]) => Promise<T[]>): Promise<IsolatedFetch<T>> {
  try {
    return { items: await fetch(ids), poisoned: [] };
  } catch (error) {
    if (!isRecordContentFailure(error)) throw error;
    if (ids.length <= 1) return { items: [], poisoned: ids.map((id) => ({ id, error: (error as Error).message })) };
    const middle = Math.ceil(ids.length / 2);
    // Sequential halves: the caller runs at most 3 of these side by side, which keeps Upgates' 3-call limit.
    const left = await fetchIsolatingPoison(ids.slice(0, middle), fetch);
    const right = await fetchIsolatingPoison(ids.slice(middle), fetch);
    return { items: [...left.items, ...right.items], poisoned: [...left.poisoned, ...right.poisoned] };
  }
}
