// Idempotent, ordered writes into the shop mirror. The guard is `lastUpdateTime`: an upsert only replaces a
// record whose stored version is not newer, so duplicate, late or out-of-order fetches never overwrite newer
// data with older. Upgates times have whole-second resolution, so an equal time with different contents is
// written (within one shop, fetches are serialised: the later fetch is the newer state). A tombstone stores the
// deletion time as its version, and only a strictly newer version brings a deleted record back (a deletion is
// final in Upgates; a version fetched before it and written late must not resurrect the record). A tombstone
// drops the record's data: when a shop deletes a customer (often a GDPR erasure) our copy goes too.
//
// Two write paths for changed records (same read, same guard decisions, same results):
// - `mongodb`: one guarded updateOne per record, atomic on MongoDB, in place (a reader sees old or new).
// - `ferretdb`: FerretDB 1.24 scans the collection for every statement, so per-record updates took minutes
//   per flush under load. There a batch is written in two statements: insert the new versions into the
//   record's other `slot`, then delete the old versions. A reader never finds a record missing; between the
//   two statements it may see both versions of a changed record and takes the newest (highest `_id`).
// `auto` (the default) picks by asking the server; RECORD_STORE_WRITE_PATH forces one (tests run both).
//
// Change sequence (issue 17.1, src/db/change-sequence.ts): a batch that changes something claims the shop's next
// sequence number and every statement that writes a record version sets `seq` to it (and `firstSeq` when it
// creates the record), on both paths: the insertMany of new records and of the FerretDB path's new versions,
// the guarded updateMany, the tombstone's updateMany/create. A batch that only meets identical data claims
// nothing. The claim is committed after the batch's writes returned (also when one failed: what landed is a
// change), which is what lets the change feed read up to it.
import type { Types } from 'mongoose';
import type { Models } from './models/index.js';
import { LEGACY_RECORD_INDEX, type SyncedRecordModel } from './models/synced-record.js';
import { createChangeSequence, type ChangeBatch } from './change-sequence.js';
import { traceRecordWrites } from '../tracing/record-store-spans.js';
import { chunk } from '../../workflows/lib/chunk.js';

export type RecordStoreWritePath = 'auto' | 'mongodb' | 'ferretdb';

export interface RecordVersion {
  recordId: string;
  data: Record<string, unknown>;
  /** Upgates `last_update_time` (or creation time when absent); null for records without timestamps (code lists). */
  lastUpdateTime: Date | null;
}

/**
 * `onProgress` is called after every write. On FerretDB one guarded write costs tens of ms (a collection scan),
 * so a flush of a few hundred records takes long enough that an activity must heartbeat while it writes.
 */
export interface WriteOptions {
  expectNew?: boolean;
  onProgress?: () => void;
  /**
   * Several calls under one change claim (an initial sync's waves): the calls share one sequence number and the
   * claim is committed when the owner closes it or it is older than its roll-over age. Without it every call
   * claims and commits its own (two statements per call).
   */
  changeBatch?: SharedChangeBatch;
}

/** A change claim shared by consecutive write calls of one shop (see WriteOptions.changeBatch). */
export interface SharedChangeBatch {
  readonly shopToken: string;
  /** Commits the current claim, if any; later calls through this handle claim anew. */
  close(): Promise<void>;
}

/**
 * How long a shared claim collects writes before it is committed and the next write claims anew. It holds the
 * change feed back while open (readers stop below an open claim), so it stays short against the feed's
 * latency and far below STALE_CLAIM_MS, after which a reader would abort it as a dead writer's.
 */
export const SHARED_CLAIM_ROLL_AFTER_MS = 20_000;

export interface UpsertOutcome {
  written: number;
  skippedAsOlder: number;
}

const DUPLICATE_KEY = 11000;
/** How often an activity waiting in the write queue heartbeats (the activities' heartbeat timeout is 45 s). */
const QUEUE_HEARTBEAT_MS = 10_000;

export function createRecordStore(models: Models, options: { writePath?: RecordStoreWritePath } = {}) {
  const { SyncedRecord } = models;
  const changes = createChangeSequence(models);
  const shared = new WeakMap<SharedChangeBatch, { current: ChangeBatch | undefined; openedAt: number; rollAfterMs: number }>();

  /** A claim for several write calls of one shop (WriteOptions.changeBatch); close it when they are done. */
  function openChangeBatch(shopToken: string, options: { rollAfterMs?: number } = {}): SharedChangeBatch {
    const rollAfterMs = options.rollAfterMs ?? SHARED_CLAIM_ROLL_AFTER_MS;
    const handle: SharedChangeBatch = {
      shopToken,
      close: async () => {
        const state = shared.get(handle)!;
        const current = state.current;
        state.current = undefined;
        await current?.finish();
      },
    };
    shared.set(handle, { current: undefined, openedAt: 0, rollAfterMs });
    return handle;
  }

  /** Runs one write call under one change claim: its own (committed once its writes returned, or failed), or the
   * shared one it was given (committed by its owner, or here when it is older than its roll-over age). */
  async function inBatch<T>(
    shopToken: string,
    now: Date,
    work: (batch: ChangeBatch) => Promise<T>,
    sharedBatch?: SharedChangeBatch,
  ): Promise<T> {
    if (sharedBatch) {
      if (sharedBatch.shopToken !== shopToken) throw new Error('a shared change batch belongs to one shop');
      const state = shared.get(sharedBatch);
      if (!state) throw new Error('change batch not opened by this record store');
      // Rolled over once old, so the feed is never held back for longer than that by one claim.
      if (state.current && Date.now() - state.openedAt > state.rollAfterMs) {
        const old = state.current;
        state.current = undefined;
        await old.finish();
      }
      if (!state.current) {
        state.current = changes.batch(shopToken, now);
        state.openedAt = Date.now();
      }
      // A failed call leaves the claim open for the owner's close (what landed is a change either way).
      return work(state.current);
    }
    const batch = changes.batch(shopToken, now);
    let result: T;
    try {
      result = await work(batch);
    } catch (error) {
      await batch.finish().catch(() => undefined); // left open, the next batch or a reader aborts it
      throw error;
    }
    await batch.finish();
    return result;
  }
  const forcedPath = options.writePath && options.writePath !== 'auto' ? options.writePath : undefined;
  // Writes of one shop run one after another in this process. The shop workflow already serialises them; this
  // covers a zombie activity attempt (timed out, still running) overlapping its retry. Needed on FerretDB 1.24,
  // whose conditional updateOne is not atomic (read, match, write): two concurrent guarded writes of one record
  // can end on the older one (the record-store integration test failed 2 of 4 runs without this). Across
  // processes the guard relies on MongoDB's atomic conditional update.
  // FerretDB over SQLite also degrades badly with writers of different shops in parallel (lock contention: one
  // guarded update took 0.5-2.7 s with two shops flushing, ~50 ms alone), so there all writes of the process
  // share one queue. Real MongoDB keeps one queue per shop.
  const queues = new Map<string, Promise<unknown>>();
  let storeKind: Promise<'ferretdb' | 'mongodb'> | undefined;
  const detectStore = () =>
    (storeKind ??= (async () => {
      try {
        const info = await SyncedRecord.db.db?.admin().command({ buildInfo: 1 });
        // FerretDB answers buildInfo with `ferretdbVersion` (and `ferretdbFeatures`) beside MongoDB's fields.
        return info && 'ferretdbVersion' in info ? ('ferretdb' as const) : ('mongodb' as const);
      } catch {
        return 'mongodb' as const;
      }
    })());
  // The queue follows the server (FerretDB needs one queue for the process), the write path follows the option:
  // the MongoDB path forced on FerretDB still runs one write at a time, so FerretDB's non-atomic conditional
  // update cannot decide a result and the test proves the path's logic.
  // An attempt waiting in the queue reports progress too (every QUEUE_HEARTBEAT_MS): on FerretDB the queue is
  // shared by every shop of the process, and a waiting activity that did not heartbeat timed out and was retried
  // (the flood test with 5 shops saw a fetch attempted twice).
  async function serialised<T>(shopToken: string, work: () => Promise<T>, onProgress?: () => void): Promise<T> {
    const key = (await detectStore()) === 'ferretdb' ? '*' : shopToken;
    const waiting = onProgress ? setInterval(onProgress, QUEUE_HEARTBEAT_MS) : undefined;
    return enqueue(key, () => {
      clearInterval(waiting);
      return work();
    }).finally(() => clearInterval(waiting));
  }
  const writePath = async () => forcedPath ?? (await detectStore());
  let legacyIndexDropped: Promise<void> | undefined;
  /** The pre-`slot` unique index forbids a second version; a store written by an older release still has it. */
  const dropLegacyIndex = () =>
    (legacyIndexDropped ??= SyncedRecord.collection.dropIndex(LEGACY_RECORD_INDEX).then(
      () => undefined,
      () => undefined, // absent: nothing to drop
    ));
  function enqueue<T>(shopToken: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(shopToken) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    queues.set(shopToken, tail);
    void tail.then(() => {
      if (queues.get(shopToken) === tail) queues.delete(shopToken);
    });
    return next;
  }

  function upsertMany(
    shopToken: string,
    resource: string,
    records: RecordVersion[],
    now = new Date(),
    options: WriteOptions = {},
  ): Promise<UpsertOutcome> {
    if (records.length === 0) return Promise.resolve({ written: 0, skippedAsOlder: 0 });
    return serialised(
      shopToken,
      () => inBatch(shopToken, now, (batch) => upsertUnlocked(shopToken, resource, records, now, options, batch), options.changeBatch),
      options.onProgress,
    );
  }

  async function upsertUnlocked(
    shopToken: string,
    resource: string,
    records: RecordVersion[],
    now: Date,
    options: WriteOptions,
    batch: ChangeBatch,
  ): Promise<UpsertOutcome> {
    if (options.expectNew) return insertFirst(shopToken, resource, records, now, options, batch);
    const progress = options.onProgress ?? (() => undefined);
    // Read what we hold first: new records go in with one insertMany, stored ones are only rewritten when the
    // fetched version is newer (or as new, with different contents). One bulk upsert per record would be
    // simpler, but FerretDB 1.24 takes seconds per upsert inside bulkWrite; this path is fast on both.
    const latest = newestPerId(records);
    const stored = await SyncedRecord.find(
      { shopToken, resource, recordId: { $in: [...latest.keys()] } },
      { _id: 1, recordId: 1, lastUpdateTime: 1, data: 1, deleted: 1, slot: 1, firstSeq: 1 },
    ).lean();
    // Two versions of one id exist only after a crash between the FerretDB path's two statements: the newest counts.
    const storedById = new Map<string, (typeof stored)[number]>();
    const superseded: Types.ObjectId[] = [];
    for (const doc of [...stored].sort((a, b) => compareIds(a._id, b._id))) {
      const older = storedById.get(doc.recordId);
      if (older) superseded.push(older._id);
      storedById.set(doc.recordId, doc);
    }
    let written = 0;
    let skippedAsOlder = 0;

    const fresh = [...latest.values()].filter((record) => !storedById.has(record.recordId));
    if (fresh.length) {
      const seq = await batch.seq();
      try {
        await SyncedRecord.insertMany(
          fresh.map((record) => liveDocument(shopToken, resource, record, now, seq, seq)),
          { ordered: false, lean: true },
        );
        written += fresh.length;
      } catch (error) {
        const duplicates = duplicateKeyErrors(error);
        if (duplicates === null) throw error;
        // Someone inserted some of them meanwhile (an overlapping retry): those take the read-and-compare path
        // (an identical rewrite is no change).
        written += fresh.length - duplicates;
        const failed = duplicateKeyIndexes(error);
        const retry = failed === null ? fresh : failed.map((i) => fresh[i]).filter((r): r is RecordVersion => r !== undefined);
        const rest = await upsertUnlocked(shopToken, resource, retry, now, { ...options, expectNew: false }, batch);
        written += rest.written;
        skippedAsOlder += rest.skippedAsOlder;
        progress();
      }
    }

    const changed: Array<{ id: Types.ObjectId; slot: number; record: RecordVersion; firstSeq: number | null }> = [];
    for (const record of latest.values()) {
      const doc = storedById.get(record.recordId);
      if (!doc) continue;
      const storedTime = doc.lastUpdateTime ? new Date(doc.lastUpdateTime).getTime() : null;
      const newTime = record.lastUpdateTime?.getTime() ?? null;
      if (storedTime !== null && newTime !== null && (newTime < storedTime || (doc.deleted && newTime === storedTime))) {
        skippedAsOlder++;
        continue;
      }
      // Same version and same contents (a duplicate webhook, a re-fetch): nothing to write.
      if (storedTime === newTime && !doc.deleted && sameJson(doc.data, record.data)) continue;
      // A record back from a tombstone is created again; otherwise it keeps the sequence number of its creation.
      changed.push({ id: doc._id, slot: doc.slot ?? 0, record, firstSeq: doc.deleted ? null : (doc.firstSeq ?? 0) });
    }
    if (superseded.length) await SyncedRecord.deleteMany({ _id: { $in: superseded } }); // the newest stays visible
    const seq = changed.length ? await batch.seq() : 0;
    if (changed.length > 1 && (await writePath()) === 'ferretdb') {
      // FerretDB scans the collection for every update (~50 ms per 1,000 records, seconds under load): write the
      // batch in two statements. New versions first (other slot, new _id, so readers taking the highest _id see
      // them), then the old versions go. The guard was checked above against what we read, and this process
      // writes one at a time (see `serialised`). A crash in between leaves both versions: readers take the
      // newest, and the next write of the record removes the older one.
      await dropLegacyIndex();
      for (const part of chunk(changed, 200)) {
        await SyncedRecord.insertMany(
          part.map(({ slot, record, firstSeq }) => ({
            ...liveDocument(shopToken, resource, record, now, seq, firstSeq ?? seq),
            slot: slot === 1 ? 0 : 1,
          })),
          { ordered: false, lean: true },
        );
        progress();
        await SyncedRecord.deleteMany({ _id: { $in: part.map((c) => c.id) } });
        written += part.length;
        progress();
      }
      return { written, skippedAsOlder };
    }
    for (const { id, record, firstSeq } of changed) {
      if (await guardedUpdate(shopToken, resource, record, now, seq, firstSeq === null, id)) written++;
      else skippedAsOlder++;
      progress();
    }
    return { written, skippedAsOlder };
  }

  /**
   * Initial sync of a fresh shop: nearly everything is new, so insert first and only take the guarded path
   * for the few that already exist (webhook-driven fetches that raced ahead). On FerretDB a lookup scans the
   * collection; skipping it keeps a 100,000-order sync linear.
   */
  async function insertFirst(
    shopToken: string,
    resource: string,
    records: RecordVersion[],
    now: Date,
    options: WriteOptions,
    batch: ChangeBatch,
  ): Promise<UpsertOutcome> {
    const latest = newestPerId(records);
    const seq = await batch.seq();
    try {
      await SyncedRecord.insertMany(
        [...latest.values()].map((record) => liveDocument(shopToken, resource, record, now, seq, seq)),
        { ordered: false, lean: true },
      );
      return { written: latest.size, skippedAsOlder: 0 };
    } catch (error) {
      const failedIndexes = duplicateKeyIndexes(error);
      if (failedIndexes === null) throw error;
      const values = [...latest.values()];
      const existing = failedIndexes.map((i) => values[i]).filter((r): r is RecordVersion => r !== undefined);
      const rest = await upsertUnlocked(shopToken, resource, existing, now, { ...options, expectNew: false }, batch);
      return { written: latest.size - existing.length + rest.written, skippedAsOlder: rest.skippedAsOlder };
    }
  }

  /**
   * The write itself re-checks the guard, so a concurrent newer write is never overwritten. One document
   * (updateOne), addressed by the `_id` we read when we have it: FerretDB 1.24 pushes an `_id` filter down to
   * SQLite but scans the collection for a (shop, resource, record id) filter, until the first match for a
   * single-document update and whole for a multi update (at 1,500 stored orders on the loaded test box:
   * 0.2-0.5 s by `_id`, ~2.8 s per record by record id, 4-6 s multi; a 59-order flush on the MongoDB path ran
   * for minutes). The caller removed any older second version first. When the `_id` no longer matches, the
   * update is retried by record id (rare: a newer write meanwhile, or the version we read was replaced).
   */
  async function guardedUpdate(
    shopToken: string,
    resource: string,
    record: RecordVersion,
    now: Date,
    seq: number,
    revived: boolean,
    storedId?: Types.ObjectId,
  ): Promise<boolean> {
    const t = record.lastUpdateTime;
    const guard = t
      ? {
          $or: [
            { lastUpdateTime: null },
            { deleted: { $ne: true }, lastUpdateTime: { $lte: t } },
            { deleted: true, lastUpdateTime: { $lt: t } },
          ],
        }
      : {};
    const result = await SyncedRecord.updateOne(
      { ...(storedId ? { _id: storedId } : { shopToken, resource, recordId: record.recordId }), ...guard },
      {
        $set: {
          data: record.data,
          lastUpdateTime: record.lastUpdateTime,
          deleted: false,
          deletedAt: null,
          syncedAt: now,
          seq,
          ...(revived ? { firstSeq: seq } : {}),
        },
      },
    );
    if (result.matchedCount > 0 || !storedId) return result.matchedCount > 0;
    // Not matched by `_id`: newer than us now (the guard), or the version we read was replaced meanwhile (another
    // process on the FerretDB path): address the record by its id, so its current version gets the guard.
    return guardedUpdate(shopToken, resource, record, now, seq, revived);
  }

  /**
   * Marks records deleted, unless a newer version was stored after the deletion time. The deletion time becomes
   * the stored version, so a late, older fetch cannot undo the delete. Already-deleted records are left alone.
   */
  function tombstone(
    shopToken: string,
    resource: string,
    deletes: Array<{ recordId: string; deletedAt: Date }>,
    now = new Date(),
    options: WriteOptions = {},
  ): Promise<number> {
    if (deletes.length === 0) return Promise.resolve(0);
    return serialised(
      shopToken,
      () => inBatch(shopToken, now, (batch) => tombstoneUnlocked(shopToken, resource, deletes, now, options, batch)),
      options.onProgress,
    );
  }

  async function tombstoneUnlocked(
    shopToken: string,
    resource: string,
    deletes: Array<{ recordId: string; deletedAt: Date }>,
    now: Date,
    options: WriteOptions,
    batch: ChangeBatch,
  ): Promise<number> {
    let count = 0;
    // One number for the call, claimed before the first statement (a call that deletes nothing leaves a claim
    // no record carries: no change in the feed).
    const seq = await batch.seq();
    for (const item of deletes) {
      options.onProgress?.();
      // updateMany: every stored version of the id (two only after a crash on the FerretDB path) loses its data.
      const result = await SyncedRecord.updateMany(
        {
          shopToken,
          resource,
          recordId: item.recordId,
          deleted: { $ne: true },
          $or: [{ lastUpdateTime: null }, { lastUpdateTime: { $lte: item.deletedAt } }],
        },
        { $set: { data: null, deleted: true, deletedAt: item.deletedAt, lastUpdateTime: item.deletedAt, syncedAt: now, seq } },
      );
      if (result.modifiedCount > 0) count++;
      // Held but not matched: already a tombstone, or newer than the deletion (its slot may be 1, so the
      // unique index alone would not stop a second document). Never seen: keep a tombstone so a late update
      // for it is recognisably stale.
      if (result.matchedCount === 0 && !(await SyncedRecord.exists({ shopToken, resource, recordId: item.recordId }))) {
        try {
          await SyncedRecord.create({
            shopToken,
            resource,
            recordId: item.recordId,
            data: null,
            lastUpdateTime: item.deletedAt,
            deleted: true,
            deletedAt: item.deletedAt,
            syncedAt: now,
            seq,
            firstSeq: seq,
          });
          count++;
        } catch (error) {
          if (duplicateKeyErrors(error) === null) throw error;
        }
      }
    }
    return count;
  }

  async function countLive(shopToken: string): Promise<Record<string, number>> {
    const resources: string[] = await SyncedRecord.distinct('resource', { shopToken });
    return countLiveRecords(SyncedRecord, shopToken, resources);
  }

  /** Whether anything of the shop is stored (a reinstall within the retention period catches up instead). */
  async function hasRecords(shopToken: string): Promise<boolean> {
    return (await SyncedRecord.exists({ shopToken })) !== null;
  }

  async function purgeShop(shopToken: string): Promise<number> {
    const result = await SyncedRecord.deleteMany({ shopToken });
    return result.deletedCount ?? 0;
  }

  return traceRecordWrites({ upsertMany, tombstone, countLive, hasRecords, purgeShop, openChangeBatch });
}
export type RecordStore = ReturnType<typeof createRecordStore>;

// Reading the mirror. On the FerretDB path a changed record has two stored versions for one statement (and,
// after a crash between the two, until its next write), so a reader must not take documents for records:
// it takes the newest version of each id (highest `_id`, see the write path) and counts distinct ids. A
// tombstone marks every stored version of its id, so filtering `deleted: false` first drops no live record.

export interface LiveRecord {
  _id: Types.ObjectId;
  recordId: string;
  data: unknown;
  lastUpdateTime: Date | null;
  syncedAt: Date;
}

/**
 * The live records of one resource, one per record id (its newest version), in no particular order. Every
 * reader of the mirror goes through here (or countLiveRecords), never through a plain `find`: a plain find
 * returns both versions of a record the FerretDB path is rewriting (a duplicate, one of them stale).
 *
 * `where` (a filter on the stored documents, e.g. `{ 'data.variants.variant_id': ... }`) keeps the records
 * whose newest version matches. Two reads: the newest `_id` of every id first, then the matching documents;
 * a matching document counts when it is at least as new as that newest version (a version inserted between
 * the reads is newer still, so a record whose new version matches is never dropped; a superseded older version
 * that matches while the newest does not is never taken).
 */
export async function readLiveRecords(
  SyncedRecord: SyncedRecordModel,
  shopToken: string,
  resource: string,
  options: { withData?: boolean; where?: Record<string, unknown> } = {},
): Promise<LiveRecord[]> {
  const live = { shopToken, resource, deleted: false };
  const newestBefore = options.where ? newestPerRecord(await SyncedRecord.find(live, { _id: 1, recordId: 1 }).lean()) : undefined;
  const docs = await SyncedRecord.find(
    { ...live, ...options.where },
    { _id: 1, recordId: 1, lastUpdateTime: 1, syncedAt: 1, ...(options.withData === false ? {} : { data: 1 }) },
  ).lean();
  const out: LiveRecord[] = [];
  for (const doc of newestPerRecord(docs).values()) {
    const newest = newestBefore?.get(doc.recordId);
    if (newest && compareIds(doc._id, newest._id) < 0) continue;
    out.push({
      _id: doc._id,
      recordId: doc.recordId,
      data: doc.data ?? null,
      lastUpdateTime: doc.lastUpdateTime ?? null,
      syncedAt: doc.syncedAt,
    });
  }
  return out;
}

function newestPerRecord<T extends { _id: Types.ObjectId; recordId: string }>(docs: T[]): Map<string, T> {
  const newest = new Map<string, T>();
  for (const doc of docs) {
    const held = newest.get(doc.recordId);
    if (!held || compareIds(held._id, doc._id) < 0) newest.set(doc.recordId, doc);
  }
  return newest;
}

/**
 * Live records per resource: distinct ids, not documents (a `countDocuments` counts a changed record twice in
 * the FerretDB path's window). One aggregation for all resources: the server groups, only the counts travel.
 */
export async function countLiveRecords(
  SyncedRecord: SyncedRecordModel,
  shopToken: string,
  resources: string[],
): Promise<Record<string, number>> {
  const rows = await SyncedRecord.aggregate<{ _id: string; n: number }>([
    { $match: { shopToken, resource: { $in: resources }, deleted: false } },
    { $group: { _id: { resource: '$resource', recordId: '$recordId' } } },
    { $group: { _id: '$_id.resource', n: { $sum: 1 } } },
  ]);
  const counts = Object.fromEntries(resources.map((resource) => [resource, 0]));
  for (const row of rows) counts[row._id] = row.n;
  return counts;
}

/** Number of duplicate-key write errors when that is all that failed, else null (a real error). */
function duplicateKeyErrors(error: unknown): number | null {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number; err?: { code?: number } }> };
  if (Array.isArray(e?.writeErrors) && e.writeErrors.length > 0) {
    return e.writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY) ? e.writeErrors.length : null;
  }
  return e?.code === DUPLICATE_KEY ? 1 : null;
}

function compareIds(a: Types.ObjectId, b: Types.ObjectId): number {
  return a.toHexString().localeCompare(b.toHexString());
}

/** One version per id: the newest by lastUpdateTime; on a tie (or no times) the later in the list. */
function newestPerId(records: RecordVersion[]): Map<string, RecordVersion> {
  const latest = new Map<string, RecordVersion>();
  for (const record of records) {
    const held = latest.get(record.recordId);
    const heldTime = held?.lastUpdateTime?.getTime();
    const newTime = record.lastUpdateTime?.getTime();
    if (held && heldTime !== undefined && newTime !== undefined && newTime < heldTime) continue;
    latest.set(record.recordId, record);
  }
  return latest;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Indexes (in the insertMany input) of documents rejected as duplicates, or null when something else failed. */
function duplicateKeyIndexes(error: unknown): number[] | null {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number; index?: number; err?: { code?: number; index?: number } }> };
  if (!Array.isArray(e?.writeErrors) || e.writeErrors.length === 0) return null;
  if (!e.writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY)) return null;
  return e.writeErrors.map((w) => w.index ?? w.err?.index ?? -1).filter((i) => i >= 0);
}

/**
 * The stored form of a live (not deleted) record version; one shape for every write path. Complete (every schema
 * field, `slot` included), because it is inserted `lean`: mongoose neither builds a document per record nor
 * deep-copies `data` for it (CPU an initial sync needs for parsing its next wave meanwhile), so no default applies.
 */
function liveDocument(shopToken: string, resource: string, record: RecordVersion, now: Date, seq: number, firstSeq: number) {
  return {
    slot: 0,
    shopToken,
    resource,
    recordId: record.recordId,
    data: record.data,
    lastUpdateTime: record.lastUpdateTime,
    deleted: false,
    deletedAt: null,
    syncedAt: now,
    seq,
    firstSeq,
  };
}

/** The live reads for one model: the iframe (shipping methods, counts, settings check) and the variant lookup. */
export function createLiveRecordReads(SyncedRecord: SyncedRecordModel) {
  return {
    read: (shopToken: string, resource: string, options?: Parameters<typeof readLiveRecords>[3]) =>
      readLiveRecords(SyncedRecord, shopToken, resource, options),
    count: (shopToken: string, resources: string[]) => countLiveRecords(SyncedRecord, shopToken, resources),
  };
}

export type LiveRecordReads = ReturnType<typeof createLiveRecordReads>;
