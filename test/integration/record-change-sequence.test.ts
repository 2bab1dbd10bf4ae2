// The mirror's change sequence (issue 17.1) and the change feed read from it (17.2), on the real store
// (FerretDB 1.24), on both write paths. Every create, update and tombstone gets a per-shop number that only
// grows, stamped in the same write; an identical rewrite is no change; a reader reads only up to the committed
// watermark, so a batch still writing holds it back, and a zombie attempt's late write (its claim aborted by
// the next batch) is re-stamped above the reader instead of landing below it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createRecordStore, type RecordStore } from '../../src/db/record-store.js';
import { createChangeSequence, STALE_CLAIM_MS } from '../../src/db/change-sequence.js';
import { readChanges, type FeedChange, type FeedPosition } from '../../src/db/change-feed.js';

let db: Database;
const runBase = `seq-${Date.now()}`;
const T = (s: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, s));
const v = (id: string, s: number, extra: Record<string, unknown> = {}) => ({
  recordId: id,
  lastUpdateTime: T(s),
  data: { order_number: id, last_update_time: T(s).toISOString(), ...extra },
});

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_change_seq_${Date.now() % 100000}$2`));
});
afterAll(async () => {
  await db?.models.SyncedRecord.deleteMany({ shopToken: { $regex: `^${runBase}` } });
  await db?.models.RecordChangeClaim.deleteMany({ shopToken: { $regex: `^${runBase}` } });
  await db?.close();
});

/** Follows next until has_more is false; returns every change read, in order, and the last position. */
async function readAll(shop: string, after: FeedPosition = { s: 0 }, limit = 7, resources = ['orders']) {
  const read: FeedChange[] = [];
  let position = after;
  for (;;) {
    const page = await readChanges(db.models, shop, { resources, after: position, limit });
    read.push(...page.changes);
    position = page.next;
    if (!page.hasMore) return { read, position };
  }
}

describe.each(['mongodb', 'ferretdb'] as const)('change sequence (%s write path)', (writePath) => {
  let store: RecordStore;
  let run: string;
  beforeAll(() => {
    store = createRecordStore(db.models, { writePath });
    run = `${runBase}-${writePath}`;
  });
  const seqOf = async (shop: string, id: string) => {
    const docs = await db.models.SyncedRecord.find({ shopToken: shop, recordId: id }).sort({ _id: -1 }).lean();
    return docs[0]?.seq ?? null;
  };

  it('create, update and tombstone each take a higher number; an identical rewrite or a stale version takes none', async () => {
    const shop = `${run}-grow`;
    await store.upsertMany(shop, 'orders', [v('1', 10), v('2', 10)]);
    const created = await seqOf(shop, '1');
    expect(created).toBeGreaterThan(0);
    expect(await seqOf(shop, '2')).toBe(created); // one batch, one number
    // Two changed records, so the FerretDB path's insert-then-delete runs (one changed record takes the update).
    await store.upsertMany(shop, 'orders', [v('1', 20, { n: 2 }), v('2', 20, { n: 2 })]);
    const updated = await seqOf(shop, '1');
    expect(updated).toBeGreaterThan(created!);
    await store.upsertMany(shop, 'orders', [v('1', 25, { n: 3 })]);
    const single = await seqOf(shop, '1');
    expect(single).toBeGreaterThan(updated!);
    const claimsBefore = await db.models.RecordChangeClaim.countDocuments({ shopToken: shop });
    expect(await store.upsertMany(shop, 'orders', [v('1', 25, { n: 3 }), v('2', 20, { n: 2 })])).toEqual({ written: 0, skippedAsOlder: 0 });
    expect(await store.upsertMany(shop, 'orders', [v('1', 5)])).toEqual({ written: 0, skippedAsOlder: 1 });
    expect(await seqOf(shop, '1')).toBe(single);
    expect(await db.models.RecordChangeClaim.countDocuments({ shopToken: shop })).toBe(claimsBefore); // no claim at all
    expect(await store.tombstone(shop, 'orders', [{ recordId: '2', deletedAt: T(30) }])).toBe(1);
    expect(await seqOf(shop, '2')).toBeGreaterThan(single!);

    const { read } = await readAll(shop);
    expect(read.map((c) => [c.id, c.change])).toEqual([
      ['1', 'created'],
      ['2', 'deleted'],
    ]);
    expect(read[0]!.data).toMatchObject({ n: 3 });
    // A reader that had read the creation sees the later changes as updates and deletions.
    const { read: sinceCreate } = await readAll(shop, { s: created! });
    expect(sinceCreate.map((c) => [c.id, c.change])).toEqual([
      ['1', 'updated'],
      ['2', 'deleted'],
    ]);
  });

  it('a reader never reads past a batch that is still writing', async () => {
    const shop = `${run}-hold`;
    const sequence = createChangeSequence(db.models);
    await store.upsertMany(shop, 'orders', [v('a', 1), v('b', 1)]);
    const { position } = await readAll(shop);
    // A batch in the middle of its writes: claimed, one record written with its number, not committed yet.
    const open = await sequence.claim(shop, new Date());
    await db.models.SyncedRecord.updateMany({ shopToken: shop, recordId: 'a' }, { $set: { data: { n: 2 }, seq: open } });
    expect(await sequence.watermark(shop)).toBe(open - 1);
    expect((await readAll(shop, position)).read).toEqual([]);
    await sequence.commit(shop, open, new Date());
    expect(await sequence.watermark(shop)).toBe(open);
    const { read } = await readAll(shop, position);
    expect(read.map((c) => [c.id, c.change, c.data])).toEqual([['a', 'updated', { n: 2 }]]);
  });

  it('write calls sharing a change batch take one number and one claim, readers wait for its close, and it rolls over when old', async () => {
    const shop = `${run}-shared`;
    const claims = () => db.models.RecordChangeClaim.countDocuments({ shopToken: shop });
    const shared = store.openChangeBatch(shop);
    await store.upsertMany(shop, 'orders', [v('s1', 1), v('s2', 1)], new Date(), { expectNew: true, changeBatch: shared });
    await store.upsertMany(shop, 'orders', [v('s3', 1)], new Date(), { expectNew: true, changeBatch: shared });
    await store.upsertMany(shop, 'products', [v('p1', 1)], new Date(), { changeBatch: shared });
    const first = await seqOf(shop, 's1');
    expect(first).toBeGreaterThan(0);
    expect([await seqOf(shop, 's3'), await seqOf(shop, 'p1')]).toEqual([first, first]);
    expect(await claims()).toBe(1); // claimed once, not committed yet
    expect((await readAll(shop, { s: 0 }, 7, ['orders', 'products'])).read).toEqual([]); // held back while open
    await shared.close();
    expect(await claims()).toBe(2); // claim + end
    expect((await readAll(shop, { s: 0 }, 7, ['orders', 'products'])).read.map((c) => c.id).sort()).toEqual(['p1', 's1', 's2', 's3']);
    // A shared batch older than its roll-over age is committed by the next write call, which claims anew.
    const rolling = store.openChangeBatch(shop, { rollAfterMs: 0 });
    await store.upsertMany(shop, 'orders', [v('r1', 1)], new Date(), { expectNew: true, changeBatch: rolling });
    await new Promise((r) => setTimeout(r, 5));
    await store.upsertMany(shop, 'orders', [v('r2', 1)], new Date(), { expectNew: true, changeBatch: rolling });
    expect(await seqOf(shop, 'r2')).toBeGreaterThan((await seqOf(shop, 'r1'))!);
    expect((await readAll(shop, { s: first! })).read.map((c) => c.id)).toEqual(['r1']); // r1's claim is committed
    await rolling.close();
    expect(await claims()).toBe(6);
    await expect(store.upsertMany(`${shop}-other`, 'orders', [v('x', 1)], new Date(), { changeBatch: rolling })).rejects.toThrow(
      'belongs to one shop',
    );
  });

  it("a zombie attempt's late write is re-stamped above a reader that passed its aborted claim", async () => {
    const shop = `${run}-zombie`;
    const sequence = createChangeSequence(db.models);
    await store.upsertMany(shop, 'orders', [v('z', 1, { by: 'first' }), v('y', 1)]);
    // The zombie claims its number and stalls before writing.
    const zombieSeq = await sequence.claim(shop, new Date());
    // Its retry runs meanwhile: a later claim, which aborts the zombie's open one.
    await store.upsertMany(shop, 'orders', [v('y', 2, { by: 'retry' })]);
    const { read: early, position } = await readAll(shop);
    expect(position.s).toBeGreaterThan(zombieSeq); // the reader passed the zombie's number
    expect(early.map((c) => c.id).sort()).toEqual(['y', 'z']);
    // The zombie wakes up: writes with its old number (as a stalled statement would land), then commits.
    await db.models.SyncedRecord.updateMany(
      { shopToken: shop, recordId: 'z' },
      { $set: { data: { by: 'zombie' }, lastUpdateTime: T(3), seq: zombieSeq } },
    );
    await sequence.commit(shop, zombieSeq, new Date());
    const { read: late } = await readAll(shop, position);
    expect(late.map((c) => [c.id, (c.data as { by: string }).by])).toEqual([['z', 'zombie']]);
  });

  it("a batch after this store's own committed batch claims without reading the claims; another writer's claim in between is still found", async () => {
    const shop = `${run}-fast`;
    const monitored = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/${db.connection.name}$2`), {
      monitorCommands: true,
    });
    try {
      const claimReads: string[] = [];
      monitored.connection.getClient().on('commandStarted', (e: { commandName: string; command: Record<string, unknown> }) => {
        if (e.commandName === 'find' && e.command.find === db.models.RecordChangeClaim.collection.collectionName)
          claimReads.push(e.commandName);
      });
      const own = createRecordStore(monitored.models, { writePath });
      await own.upsertMany(shop, 'orders', [v('f1', 1)], new Date(), { expectNew: true });
      expect(claimReads).toHaveLength(1); // the first claim reads
      await own.upsertMany(shop, 'orders', [v('f2', 1)], new Date(), { expectNew: true });
      expect(claimReads).toHaveLength(1); // the next one does not
      // Another writer (a zombie attempt, another process) claims and stalls: the next batch meets its number,
      // reads, and aborts it (the zombie test above shows what a reader then sees).
      const other = await createChangeSequence(db.models).claim(shop, new Date());
      await own.upsertMany(shop, 'orders', [v('f3', 1)], new Date(), { expectNew: true });
      expect(claimReads).toHaveLength(2);
      const seqs = [await seqOf(shop, 'f1'), await seqOf(shop, 'f2'), await seqOf(shop, 'f3')];
      expect(seqs[1]).toBe(seqs[0]! + 1);
      expect(seqs[2]).toBe(other + 1);
      const ends = await db.models.RecordChangeClaim.find({ shopToken: shop, kind: 'end', seq: other }).lean();
      expect(ends.map((e) => e.aborted)).toEqual([true]);
    } finally {
      await monitored.close();
    }
  });

  it('a claim left open by a dead writer holds readers back until it is stale, then its writes are read', async () => {
    const shop = `${run}-dead`;
    const sequence = createChangeSequence(db.models);
    await store.upsertMany(shop, 'orders', [v('d1', 1)]);
    const past = new Date(Date.now() - STALE_CLAIM_MS - 60_000);
    const dead = await sequence.claim(shop, past);
    await db.models.SyncedRecord.updateMany({ shopToken: shop, recordId: 'd1' }, { $set: { data: { by: 'dead' }, seq: dead } });
    expect(await sequence.watermark(shop, new Date(past.getTime() + 1_000))).toBe(dead - 1);
    expect(await sequence.watermark(shop)).toBe(dead); // stale: aborted by the reader
    const { read } = await readAll(shop);
    expect(read.map((c) => [c.id, (c.data as { by: string }).by])).toEqual([['d1', 'dead']]);
  });

  it('records written before the sequence existed (no seq) are read by a feed from the start, once', async () => {
    const shop = `${run}-legacy`;
    const now = new Date();
    await db.models.SyncedRecord.collection.insertMany([
      {
        shopToken: shop,
        resource: 'orders',
        recordId: 'old-2',
        data: { n: 'old' },
        lastUpdateTime: T(1),
        deleted: false,
        deletedAt: null,
        syncedAt: now,
        slot: 0,
      },
      {
        shopToken: shop,
        resource: 'orders',
        recordId: 'old-1',
        data: { n: 'old' },
        lastUpdateTime: T(1),
        deleted: false,
        deletedAt: null,
        syncedAt: now,
        slot: 0,
      },
    ]);
    await store.upsertMany(shop, 'orders', [v('new', 1)]);
    const { read, position } = await readAll(shop, { s: 0 }, 1); // one per page: the cursor steps through sequence 0
    expect(read.map((c) => [c.id, c.change])).toEqual([
      ['old-1', 'created'],
      ['old-2', 'created'],
      ['new', 'created'],
    ]);
    expect((await readAll(shop, position)).read).toEqual([]);
    // Its next change gives it a number like any record.
    await store.upsertMany(shop, 'orders', [v('old-1', 2, { n: 'changed' })]);
    expect((await readAll(shop, position)).read.map((c) => [c.id, c.change])).toEqual([['old-1', 'updated']]);
  });

  it('a reader following next while two store instances (two processes) write concurrently sees every final state', async () => {
    const shop = `${run}-flood`;
    // On the MongoDB path a second store instance has its own write queue, like another worker process. The
    // FerretDB path relies on one queue per process (its insert-then-delete is not safe against a concurrent
    // writer of the same records, see record-store.ts), so there both writers share the instance.
    const other = writePath === 'mongodb' ? createRecordStore(db.models, { writePath }) : store;
    const ids = Array.from({ length: 40 }, (_, i) => String(100 + i));
    const view = new Map<string, unknown>();
    let writing = true;
    let position: FeedPosition = { s: 0 };
    let pages = 0;
    const reader = (async () => {
      while (writing) {
        const page = await readChanges(db.models, shop, { resources: ['orders'], after: position, limit: 9 });
        for (const c of page.changes) view.set(c.id, c.change === 'deleted' ? 'deleted' : (c.data as { n: number }).n);
        position = page.next;
        pages++;
      }
    })();
    const writer = async (s: RecordStore, offset: number) => {
      for (let round = 1; round <= 6; round++) {
        const batch = ids.filter((_, i) => (i + round + offset) % 3 !== 0);
        await s.upsertMany(
          shop,
          'orders',
          batch.map((id) => v(id, round * 2 + offset, { n: round * 2 + offset })),
        );
        if (round === 4) await s.tombstone(shop, 'orders', [{ recordId: ids[offset]!, deletedAt: T(100) }]);
      }
    };
    await Promise.all([writer(store, 0), writer(other, 1)]);
    writing = false;
    await reader;
    const { read } = await readAll(shop, position);
    for (const c of read) view.set(c.id, c.change === 'deleted' ? 'deleted' : (c.data as { n: number }).n);
    expect(pages).toBeGreaterThan(1);
    const finalDocs = await db.models.SyncedRecord.find({ shopToken: shop }).sort({ _id: 1 }).lean();
    const final = new Map<string, unknown>();
    for (const d of finalDocs) final.set(d.recordId, d.deleted ? 'deleted' : (d.data as { n: number }).n);
    expect(Object.fromEntries(view)).toEqual(Object.fromEntries(final));
  }, 120_000);
});
