// How each synced resource is identified and versioned in the mirror.
import { MIRRORED_RESOURCES, SYNC_INFO, type MirroredResource } from '../src/upgates/resources.js';
import type { RecordVersion } from '../src/db/record-store.js';

interface Mapping {
  idField: string;
  /** Fields that carry the version time, first present wins. Code lists have none. */
  timeFields: readonly string[];
}

/** From the sync table (src/upgates/resources.ts): the record id field of the API and the version fields. */
export const RECORD_MAPPING = Object.fromEntries(
  MIRRORED_RESOURCES.map((resource) => [
    resource,
    { idField: SYNC_INFO[resource].recordIdField!, timeFields: SYNC_INFO[resource].timeFields },
  ]),
) as Record<MirroredResource, Mapping>;

/** A record we cannot identify or store (e.g. no id field): the record's fault, so retrying cannot help. */
export class RecordMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordMappingError';
  }
}

export function toRecordVersion(resource: MirroredResource, item: Record<string, unknown>): RecordVersion {
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
