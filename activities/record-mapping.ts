// How each synced resource is identified and versioned in the mirror.
import type { SyncResource } from '../workflows/lib/pending-set.js';
import type { RecordVersion } from '../src/db/record-store.js';

interface Mapping {
  idField: string;
  /** Fields that carry the version time, first present wins. Code lists have none. */
  timeFields: string[];
}

export const RECORD_MAPPING: Record<Exclude<SyncResource, 'productVariants'>, Mapping> = {
  orders: { idField: 'order_number', timeFields: ['last_update_time', 'creation_time'] },
  orderStatuses: { idField: 'id', timeFields: ['last_update_time', 'creation_time'] },
  products: { idField: 'product_id', timeFields: ['last_update_time', 'creation_time'] },
  categories: { idField: 'category_id', timeFields: ['last_update_time', 'creation_time'] },
  customers: { idField: 'customer_id', timeFields: ['last_update_time', 'creation_time'] },
  languages: { idField: 'language_id', timeFields: [] },
  shipments: { idField: 'id', timeFields: [] },
  payments: { idField: 'id', timeFields: [] },
};

/** A record we cannot identify or store (e.g. no id field): the record's fault, so retrying cannot help. */
export class RecordMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordMappingError';
  }
}

export function toRecordVersion(resource: Exclude<SyncResource, 'productVariants'>, item: Record<string, unknown>): RecordVersion {
  const mapping = RECORD_MAPPING[resource];
  const id = item[mapping.idField];
  if (id === undefined || id === null || id === '') throw new RecordMappingError(`${resource} record without ${mapping.idField}`);
  let lastUpdateTime: Date | null = null;
  for (const field of mapping.timeFields) {
    const value = item[field];
    if (typeof value === 'string' && value) {
      const parsed = new Date(value);
      if (!Number.isNaN(parsed.getTime())) {
        lastUpdateTime = parsed;
        break;
      }
    }
  }
  return { recordId: String(id), data: item, lastUpdateTime };
}

/** Parses a webhook/deletion time; falls back to now when Upgates sent nothing usable. */
export function parseEventTime(value: string | null | undefined, now = new Date()): Date {
  if (value) {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return now;
}
