// Idempotent, ordered writes into the shop mirror. The guard is `lastUpdateTime`: an upsert only replaces a
// record whose stored version is not newer, so duplicate, late or out-of-order fetches never overwrite newer
// data with older. The filter + upsert combination raises a duplicate-key error when a newer version exists
// (the filter does not match, the insert collides with the unique index): that is the "skip" outcome.
import type { AnyBulkWriteOperation } from 'mongoose';
import type { Models } from './models/index.js';
import type { SyncedRecordDoc } from './models/synced-record.js';

export interface RecordVersion {
  recordId: string;
  data: Record<string, unknown>;
  /** Upgates `last_update_time` (or creation time when absent); null for records without timestamps (code lists). */
  lastUpdateTime: Date | null;
}

export interface UpsertOutcome {
  written: number;
  skippedAsOlder: number;
}

const DUPLICATE_KEY = 11000;

export function createRecordStore(models: Models) {
  const { SyncedRecord } = models;

  async function upsertMany(shopToken: string, resource: string, records: RecordVersion[], now = new Date()): Promise<UpsertOutcome> {
    if (records.length === 0) return { written: 0, skippedAsOlder: 0 };
    const ops: AnyBulkWriteOperation<SyncedRecordDoc>[] = records.map((record) => ({
      updateOne: {
        filter: {
          shopToken,
          resource,
          recordId: record.recordId,
          ...(record.lastUpdateTime
            ? { $or: [{ lastUpdateTime: null }, { lastUpdateTime: { $lte: record.lastUpdateTime } }] }
            : {}),
        },
        update: { $set: { data: record.data, lastUpdateTime: record.lastUpdateTime, deleted: false, deletedAt: null, syncedAt: now } },
        upsert: true,
      },
    }));
    try {
      const result = await SyncedRecord.bulkWrite(ops, { ordered: false });
      return { written: result.upsertedCount + result.matchedCount, skippedAsOlder: 0 };
    } catch (error) {
      const writeErrors = duplicateKeyErrors(error);
      if (writeErrors === null) throw error;
      const result = (error as { result?: { upsertedCount?: number; matchedCount?: number } }).result;
      return { written: (result?.upsertedCount ?? 0) + (result?.matchedCount ?? 0), skippedAsOlder: writeErrors };
    }
  }

  /** Marks records deleted, unless a newer version was stored after the deletion time. */
  async function tombstone(shopToken: string, resource: string, deletes: Array<{ recordId: string; deletedAt: Date }>, now = new Date()): Promise<number> {
    let count = 0;
    for (const item of deletes) {
      const result = await SyncedRecord.updateOne(
        { shopToken, resource, recordId: item.recordId, $or: [{ lastUpdateTime: null }, { lastUpdateTime: { $lte: item.deletedAt } }] },
        { $set: { deleted: true, deletedAt: item.deletedAt, syncedAt: now } },
      );
      count += result.modifiedCount;
      if (result.matchedCount === 0) {
        // Never seen (deleted before we synced it): keep a tombstone so a late update for it is recognisably stale.
        try {
          await SyncedRecord.create({ shopToken, resource, recordId: item.recordId, data: null, lastUpdateTime: item.deletedAt, deleted: true, deletedAt: item.deletedAt, syncedAt: now });
          count++;
        } catch (error) {
          if (duplicateKeyErrors(error) === null) throw error;
        }
      }
    }
    return count;
  }

  async function countLive(shopToken: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const resources: string[] = await SyncedRecord.distinct('resource', { shopToken });
    for (const resource of resources) counts[resource] = await SyncedRecord.countDocuments({ shopToken, resource, deleted: false });
    return counts;
  }

  async function purgeShop(shopToken: string): Promise<number> {
    const result = await SyncedRecord.deleteMany({ shopToken });
    return result.deletedCount ?? 0;
  }

  return { upsertMany, tombstone, countLive, purgeShop };
}
export type RecordStore = ReturnType<typeof createRecordStore>;

/** Number of duplicate-key write errors when that is all that failed, else null (a real error). */
function duplicateKeyErrors(error: unknown): number | null {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number; err?: { code?: number } }> };
  if (Array.isArray(e?.writeErrors) && e.writeErrors.length > 0) {
    return e.writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY) ? e.writeErrors.length : null;
  }
  return e?.code === DUPLICATE_KEY ? 1 : null;
}
