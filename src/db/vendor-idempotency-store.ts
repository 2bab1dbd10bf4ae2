// Results of vendor writes by idempotency key, in MongoDB (unique index on shop + key). The shop workflow's
// update-id deduplication only lasts one run; this store lasts across continue-as-new and restarts. Flow:
// claim (insert `pending`) -> send to Upgates -> complete (`done` + result). A retry that finds `done`
// gets the stored result; one that finds `pending` knows an earlier attempt may have reached Upgates.
import { createHash } from 'node:crypto';
import type { VendorIdempotencyModel } from './models/vendor-idempotency.js';

export interface StoredResult {
  ok: boolean;
  results: Array<Record<string, unknown>>;
  message?: string;
}

export type Claim =
  { state: 'new' } | { state: 'done'; fingerprint: string; result: StoredResult } | { state: 'pending'; fingerprint: string; since: Date };

/** The same action with the same items gives the same fingerprint (key order does not matter). */
export function requestFingerprint(action: string, items: unknown): string {
  return createHash('sha256').update(stableJson({ action, items })).digest('hex');
}

export function createVendorIdempotencyStore(Model: VendorIdempotencyModel) {
  return {
    /** Takes the key for this attempt, or reports what an earlier attempt left. */
    async claim(shopToken: string, key: string, action: string, fingerprint: string): Promise<Claim> {
      try {
        await Model.create({ shopToken, key, action, fingerprint, state: 'pending' });
        return { state: 'new' };
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      const found = await this.find(shopToken, key);
      if (!found) return this.claim(shopToken, key, action, fingerprint); // released meanwhile: take it
      return found;
    },

    async find(shopToken: string, key: string): Promise<Exclude<Claim, { state: 'new' }> | null> {
      const doc = await Model.findOne({ shopToken, key }).lean();
      if (!doc) return null;
      if (doc.state === 'done') return { state: 'done', fingerprint: doc.fingerprint, result: doc.result as StoredResult };
      return { state: 'pending', fingerprint: doc.fingerprint, since: doc.createdAt };
    },

    async complete(shopToken: string, key: string, result: StoredResult): Promise<void> {
      await Model.updateOne({ shopToken, key }, { $set: { state: 'done', result, completedAt: new Date() } });
    },

    /** Upgates certainly did not apply the attempt (it answered an error): the next retry starts afresh. */
    async release(shopToken: string, key: string): Promise<void> {
      await Model.deleteOne({ shopToken, key, state: 'pending' });
    },
  };
}
export type VendorIdempotencyStore = ReturnType<typeof createVendorIdempotencyStore>;

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
