// The database floor of an initial sync: the record store alone writing the records the sync stored, in the
// same batches (resource, size, insert-first flag, call order) the worker's store saw, into a fresh database,
// with no API, no Temporal and no activity around it. An initial sync cannot be faster than this on the same
// store, so time / max(API bound, floor) says how much the sync loop adds.
import { connectDatabase } from '../../src/db/connection.js';
import { createRecordStore, type RecordVersion, type SharedChangeBatch } from '../../src/db/record-store.js';
import type { SyncedRecordModel } from '../../src/db/models/synced-record.js';
import type { WorkerTiming } from './worker-process.js';

export interface FloorRun {
  seconds: number;
  records: number;
  /** Database commands the store sent (driver command monitoring), index creation excluded. */
  commands: number;
  /** Per command and collection: count and summed driver-measured duration (send -> reply), ms. */
  commandTimes: Record<string, { count: number; ms: number }>;
}

/** The records of one shop as the sync stored them, per resource in insertion order. */
export async function storedRecords(SyncedRecord: SyncedRecordModel, shopToken: string): Promise<Map<string, RecordVersion[]>> {
  const docs = (await SyncedRecord.find({ shopToken, deleted: false }, { resource: 1, recordId: 1, data: 1, lastUpdateTime: 1 })
    .sort({ _id: 1 })
    .lean()) as Array<{ resource: string; recordId: string; data: Record<string, unknown>; lastUpdateTime: Date | null }>;
  const byResource = new Map<string, RecordVersion[]>();
  for (const doc of docs) {
    const list = byResource.get(doc.resource) ?? [];
    list.push({ recordId: doc.recordId, data: doc.data, lastUpdateTime: doc.lastUpdateTime ?? null });
    byResource.set(doc.resource, list);
  }
  return byResource;
}

/**
 * `alongside` (optional) runs next to every store call, started with it and awaited before the next one: the
 * floor with the sync's neighbours (the next wave fetched and parsed in the same process while this one is
 * written), to tell the database's own time from what sharing the cores costs it.
 */
export async function measureDatabaseFloor(
  uri: string,
  shopToken: string,
  records: Map<string, RecordVersion[]>,
  batches: WorkerTiming['batches'],
  options: { alongside?: (call: number) => Promise<unknown> } = {},
): Promise<FloorRun> {
  const db = await connectDatabase(uri, { monitorCommands: true });
  let commands = 0;
  const commandTimes: FloorRun['commandTimes'] = {};
  type Event = { commandName: string; duration?: number; requestId: number; command?: Record<string, unknown> };
  const names = new Map<number, string>();
  db.connection.getClient().on('commandStarted', (e: Event) => {
    commands++;
    const target = e.command?.[e.commandName];
    names.set(e.requestId, `${e.commandName} ${typeof target === 'string' ? target : ''}`.trim());
  });
  db.connection.getClient().on('commandSucceeded', (e: Event) => {
    const key = names.get(e.requestId) ?? e.commandName;
    names.delete(e.requestId);
    const row = (commandTimes[key] ??= { count: 0, ms: 0 });
    row.count++;
    row.ms += e.duration ?? 0;
  });
  const store = createRecordStore(db.models);
  const taken = new Map<string, number>();
  let written = 0;
  const started = performance.now();
  // Calls that shared a change claim in the worker share one here too (closed when the group ends).
  let group: { id: number; batch: SharedChangeBatch } | undefined;
  let calls = 0;
  try {
    for (const batch of batches) {
      const from = taken.get(batch.resource) ?? 0;
      const part = (records.get(batch.resource) ?? []).slice(from, from + batch.size);
      taken.set(batch.resource, from + part.length);
      if (part.length === 0) continue;
      if (group && group.id !== batch.claimGroup) {
        await group.batch.close();
        group = undefined;
      }
      if (batch.claimGroup !== null && !group) group = { id: batch.claimGroup, batch: store.openChangeBatch(shopToken) };
      const neighbour = options.alongside?.(calls++);
      await store.upsertMany(shopToken, batch.resource, part, new Date(), { expectNew: batch.expectNew, changeBatch: group?.batch });
      await neighbour;
      written += part.length;
    }
    await group?.batch.close();
    return { seconds: (performance.now() - started) / 1000, records: written, commands, commandTimes };
  } finally {
    await db.close();
  }
}
