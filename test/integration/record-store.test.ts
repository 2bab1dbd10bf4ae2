// Guarded upserts and tombstones on the real store (FerretDB 1.24 in tests): an older version never
// overwrites a newer one, duplicates are no-ops, an equal time with different contents is written (Upgates
// times have whole seconds), tombstones respect newer versions and late versions respect tombstones, and any
// interleaving of the same versions converges to the newest. Every test runs on both write paths: the MongoDB
// path (guarded per-record updates; forced here on FerretDB, where the per-shop write queue stands in for
// MongoDB's atomic conditional update) and the FerretDB path (bulk versioned replace).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import mongoose from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { registerModels } from '../../src/db/models/index.js';
import { createRecordStore, type RecordStore } from '../../src/db/record-store.js';
import { Rng } from '../../sandbox/prng.js';

let db: Database;
const runBase = `rs-${Date.now()}`;
const T = (s: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, s));
const v = (id: string, s: number, extra: Record<string, unknown> = {}) => ({
  recordId: id,
  lastUpdateTime: T(s),
  data: { order_number: id, last_update_time: T(s).toISOString(), ...extra },
});

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_record_store_${Date.now() % 100000}$2`));
});
afterAll(async () => {
  await db?.models.SyncedRecord.deleteMany({ shopToken: { $regex: `^${runBase}` } });
  await db?.close();
});

describe.each(['mongodb', 'ferretdb'] as const)('record store guarded upserts (%s write path)', (writePath) => {
  let store: RecordStore;
  let run: string;
  beforeAll(() => {
    store = createRecordStore(db.models, { writePath });
    run = `${runBase}-${writePath}`;
  });
  async function get(shop: string, id: string) {
    const docs = await db.models.SyncedRecord.find({ shopToken: shop, resource: 'orders', recordId: id }).lean();
    // Readers take the newest stored version (the FerretDB path inserts a new version before retiring the old).
    return docs.sort((a, b) => b._id.toHexString().localeCompare(a._id.toHexString()))[0] ?? null;
  }

  it('an older version never overwrites a newer one; a duplicate is a no-op', async () => {
    const shop = `${run}-older`;
    expect(await store.upsertMany(shop, 'orders', [v('1', 20, { note: 'new' })])).toEqual({ written: 1, skippedAsOlder: 0 });
    expect(await store.upsertMany(shop, 'orders', [v('1', 10, { note: 'old' })])).toEqual({ written: 0, skippedAsOlder: 1 });
    expect((await get(shop, '1'))?.data).toMatchObject({ note: 'new' });
    const before = (await get(shop, '1'))!.syncedAt;
    expect(await store.upsertMany(shop, 'orders', [v('1', 20, { note: 'new' })], new Date(Date.now() + 5_000))).toEqual({
      written: 0,
      skippedAsOlder: 0,
    });
    expect((await get(shop, '1'))!.syncedAt).toEqual(before); // not even touched
  });

  it('the same time with different contents is written (whole-second times)', async () => {
    const shop = `${run}-equal`;
    await store.upsertMany(shop, 'orders', [v('1', 30, { status: 'A' })]);
    expect(await store.upsertMany(shop, 'orders', [v('1', 30, { status: 'B' })])).toEqual({ written: 1, skippedAsOlder: 0 });
    expect((await get(shop, '1'))?.data).toMatchObject({ status: 'B' });
  });

  it('within one batch the newest version of an id wins, whatever its position', async () => {
    // Proved: before the fix the last element won, so [v40, v35] stored v35.
    const shop = `${run}-batch`;
    await store.upsertMany(shop, 'orders', [v('1', 40, { n: 40 }), v('1', 35, { n: 35 })]);
    expect((await get(shop, '1'))?.data).toMatchObject({ n: 40 });
    await store.upsertMany(shop, 'orders', [v('2', 1, { n: 1 })]);
    await store.upsertMany(shop, 'orders', [v('2', 50, { n: 50 }), v('2', 45, { n: 45 })]);
    expect((await get(shop, '2'))?.data).toMatchObject({ n: 50 });
  });

  it('a tombstone never hides a newer version; a late older version never resurrects a tombstone', async () => {
    const shop = `${run}-tomb`;
    await store.upsertMany(shop, 'orders', [v('1', 30)]);
    // Deletion older than what we hold (a late, shuffled delivery): ignored.
    expect(await store.tombstone(shop, 'orders', [{ recordId: '1', deletedAt: T(20) }])).toBe(0);
    expect((await get(shop, '1'))?.deleted).toBe(false);
    // A newer deletion applies.
    expect(await store.tombstone(shop, 'orders', [{ recordId: '1', deletedAt: T(40) }])).toBe(1);
    expect((await get(shop, '1'))?.deleted).toBe(true);
    // A version fetched before the deletion (time 35 < 40) arriving late must not bring the record back.
    // Proved: before the fix the tombstone kept lastUpdateTime 30, the guard compared with 30 and resurrected it.
    expect(await store.upsertMany(shop, 'orders', [v('1', 35)])).toEqual({ written: 0, skippedAsOlder: 1 });
    expect((await get(shop, '1'))?.deleted).toBe(true);
    // Same second as the deletion: deletion is final in Upgates, so it stays deleted too.
    await store.upsertMany(shop, 'orders', [v('1', 40)]);
    expect((await get(shop, '1'))?.deleted).toBe(true);
    // A genuinely newer version (re-created) is written.
    expect((await store.upsertMany(shop, 'orders', [v('1', 41)])).written).toBe(1);
    expect(await get(shop, '1')).toMatchObject({ deleted: false, deletedAt: null });
  });

  it('a delete of a never-seen record leaves a tombstone that stops older late updates', async () => {
    const shop = `${run}-unseen`;
    expect(await store.tombstone(shop, 'orders', [{ recordId: '9', deletedAt: T(40) }])).toBe(1);
    expect(await store.tombstone(shop, 'orders', [{ recordId: '9', deletedAt: T(40) }])).toBe(0); // idempotent
    expect(await store.upsertMany(shop, 'orders', [v('9', 39)])).toEqual({ written: 0, skippedAsOlder: 1 });
    expect(await get(shop, '9')).toMatchObject({ deleted: true, data: null });
    expect(await store.countLive(shop)).toEqual({ orders: 0 });
  });

  // Proved: without the per-shop write queue in record-store.ts this failed 2 of 4 runs on FerretDB (ended on an older version).
  it('concurrent writers of one record end on the newest version', async () => {
    const shop = `${run}-race`;
    await Promise.all([3, 5, 1, 4, 2].map((s) => store.upsertMany(shop, 'orders', [v('1', s, { n: s })])));
    expect((await get(shop, '1'))?.data).toMatchObject({ n: 5 });
    expect(await db.models.SyncedRecord.countDocuments({ shopToken: shop })).toBe(1);
  });

  it('out-of-order sequences with duplicates and deletes converge to the newest state', async () => {
    const shop = `${run}-converge`;
    const rng = new Rng(42);
    // 15 ids x 4 versions; every third id is deleted after its last version. Events shuffled, duplicated,
    // applied in batches of 8 (upserts) or one by one (tombstones).
    type Ev = { kind: 'v'; id: string; s: number } | { kind: 'd'; id: string; s: number };
    const events: Ev[] = [];
    const expected = new Map<string, { deleted: boolean; s: number }>();
    for (let i = 0; i < 15; i++) {
      const id = String(1000 + i);
      for (let k = 1; k <= 4; k++) events.push({ kind: 'v', id, s: i + k * 2 });
      expected.set(id, { deleted: false, s: i + 8 });
      if (i % 3 === 0) {
        events.push({ kind: 'd', id, s: i + 9 });
        expected.set(id, { deleted: true, s: i + 9 });
      }
    }
    for (const e of [...events]) if (rng.chance(0.3)) events.push({ ...e });
    rng.shuffle(events);
    for (let i = 0; i < events.length;) {
      const head = events[i]!;
      if (head.kind === 'd') {
        await store.tombstone(shop, 'orders', [{ recordId: head.id, deletedAt: T(head.s) }]);
        i++;
        continue;
      }
      const batch: Ev[] = [];
      while (i < events.length && events[i]!.kind === 'v' && batch.length < 8) batch.push(events[i++]!);
      await store.upsertMany(
        shop,
        'orders',
        batch.map((e) => v(e.id, e.s, { n: e.s })),
      );
    }
    const docs = await db.models.SyncedRecord.find({ shopToken: shop }).lean();
    expect(docs).toHaveLength(15);
    for (const doc of docs) {
      const want = expected.get(doc.recordId)!;
      expect({ id: doc.recordId, deleted: doc.deleted }).toEqual({ id: doc.recordId, deleted: want.deleted });
      if (!want.deleted) expect((doc.data as { n: number }).n).toBe(want.s);
    }
  });
  // Personal data: a deleted customer must not stay in our copy. Proved: before the fix the tombstone kept `data`.
  it('a tombstone keeps only ids, deletion time and version: the record data is dropped', async () => {
    const shop = `${run}-erase`;
    const customer = {
      customer_id: '7',
      email: 'jana.erased@example.com',
      phone: '+420 777 000 111',
      last_update_time: T(10).toISOString(),
    };
    await store.upsertMany(shop, 'customers', [{ recordId: '7', lastUpdateTime: T(10), data: customer }]);
    expect(await store.tombstone(shop, 'customers', [{ recordId: '7', deletedAt: T(20) }])).toBe(1);
    const docs = await db.models.SyncedRecord.find({ shopToken: shop }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ recordId: '7', deleted: true, data: null, deletedAt: T(20), lastUpdateTime: T(20) });
    expect(JSON.stringify(docs)).not.toMatch(/jana\.erased|777 000 111/);
  });

  // Proved on the FerretDB path before the fix (delete + insert): the reader found records missing.
  it('a concurrent reader never finds a synced record missing while changed records are rewritten', async () => {
    const shop = `${run}-reader`;
    const ids = Array.from({ length: 150 }, (_, i) => String(5000 + i));
    await store.upsertMany(
      shop,
      'orders',
      ids.map((id) => v(id, 0, { n: 0 })),
      new Date(),
      { expectNew: true },
    );
    let writing = true;
    let reads = 0;
    const misses: string[] = [];
    const reader = (async () => {
      while (writing) {
        const docs = await db.models.SyncedRecord.find({ shopToken: shop, resource: 'orders', deleted: false }, { recordId: 1 }).lean();
        const seen = new Set(docs.map((d) => d.recordId));
        reads++;
        const missing = ids.filter((id) => !seen.has(id));
        if (missing.length) misses.push(`read ${reads}: ${missing.length} missing (e.g. ${missing[0]})`);
      }
    })();
    const started = Date.now();
    for (let round = 1; round <= 6; round++)
      expect(
        (
          await store.upsertMany(
            shop,
            'orders',
            ids.slice(0, 100).map((id) => v(id, round, { n: round })),
          )
        ).written,
      ).toBe(100);
    console.log(`${writePath} path: 6 x 100 changed records written in ${Date.now() - started} ms`);
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(2);
    expect(misses).toEqual([]);
    const latest = await Promise.all(ids.slice(0, 100).map((id) => get(shop, id)));
    expect(latest.map((d) => (d?.data as { n: number }).n)).toEqual(ids.slice(0, 100).map(() => 6));
  }, 120_000);
});

// The MongoDB path writes a changed record with one single-document guarded update (multi: false) addressed by
// the `_id` it read. FerretDB 1.24 pushes an `_id` filter down to SQLite and scans the collection for any other
// (until the first match for a single-document update, whole for a multi update): at 1,500 stored orders on the
// loaded 2-core box 0.2-0.5 s by `_id`, ~2.8 s by record id, 4-6 s multi, so a 59-order flush ran for minutes and
// the worker-kill chaos test on this path ended with orders still stale (issue 20).
// Proved: failed before the fix (every update was multi and by record id).
describe('record store MongoDB write path statements', () => {
  let monitored: mongoose.Connection;
  const updates: Array<{ multi: boolean; byId: boolean }> = [];
  beforeAll(async () => {
    const uri = inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_record_store_stmt_${Date.now() % 100000}$2`);
    monitored = mongoose.createConnection(uri, { monitorCommands: true, retryWrites: false, serverSelectionTimeoutMS: 5_000 });
    await monitored.asPromise();
    monitored.getClient().on('commandStarted', (event) => {
      if (event.commandName !== 'update' || event.command.update !== 'synced_records') return;
      for (const u of event.command.updates as Array<{ multi?: boolean; q: Record<string, unknown> }>)
        updates.push({ multi: u.multi === true, byId: '_id' in u.q });
    });
  });
  afterAll(async () => {
    await monitored?.dropDatabase();
    await monitored?.close();
  });

  it('writes each changed record with one single-document guarded update by _id', async () => {
    const models = registerModels(monitored);
    await models.SyncedRecord.init();
    const store = createRecordStore(models, { writePath: 'mongodb' });
    const shop = `${runBase}-statements`;
    const ids = ['1', '2', '3', '4', '5'];
    await store.upsertMany(shop, 'orders', ids.map((id) => v(id, 10, { n: 10 })), new Date(), { expectNew: true });
    updates.length = 0;
    expect(await store.upsertMany(shop, 'orders', ids.map((id) => v(id, 20, { n: 20 })))).toEqual({ written: 5, skippedAsOlder: 0 });
    expect(updates).toEqual(ids.map(() => ({ multi: false, byId: true })));
    // The guard is still part of the statement: an older version does not match.
    expect(await store.upsertMany(shop, 'orders', [v('1', 15, { n: 15 })])).toEqual({ written: 0, skippedAsOlder: 1 });
    const stored = await models.SyncedRecord.find({ shopToken: shop, resource: 'orders' }).lean();
    expect(stored.map((d) => [d.recordId, (d.data as { n: number }).n]).sort()).toEqual(ids.map((id) => [id, 20]));
  });
});
