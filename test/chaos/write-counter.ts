// Counts duplicated writes into the mirror: the same contents written again (a retried flush, a redelivered
// webhook, a worker killed after its write but before the workflow saw the result). Counting documents proves
// nothing here: the unique index is (shop, resource, record id, slot), and the FerretDB write path holds two
// documents of a changed record on purpose (its new version is inserted before the old one is deleted; after a
// crash between the two, until the record's next write). Every write sets `syncedAt`, so the counter polls the
// write stamps and, when a document's stamp differs from the last one it saw for that record id, compares the
// document's contents (data, version, deleted flag) with the contents it last saw for the id: a new stamp with
// unchanged contents = a duplicated write. The two versions of a changed record never hold the same contents
// (the FerretDB path only writes a record whose version or contents changed; a tombstone stamps all versions
// with one `syncedAt`), so they are counted as writes, never as rewrites; `writes` may count one FerretDB-path
// write twice (once per version seen).
// Polling sees at most one write per record per interval: two writes of one record inside an interval count
// as one (the figure is a lower bound). `recordControlRewrite` proves on every run that a rewrite is seen.
import type { Database } from '../../src/db/connection.js';
import { canonical } from '../helpers/mirror.js';

export interface WriteCount {
  polls: number;
  failedPolls: number;
  /** Writes seen (first sighting of a record included). */
  writes: number;
  /** Writes that stored contents the record already held, per record id. */
  rewrites: Map<string, number>;
}

export interface WriteCounter {
  /** Rewrites one stored record with its own contents (a known duplicate write) and waits until it is counted. */
  recordControlRewrite(): Promise<string>;
  stop(): Promise<WriteCount>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function countWrites(db: Database, shopTokens: string[], resource: string, intervalMs = 1_000): WriteCounter {
  const { SyncedRecord } = db.models;
  const seen = new Map<string, { syncedAt: number; contents: string }>();
  const count: WriteCount = { polls: 0, failedPolls: 0, writes: 0, rewrites: new Map() };
  let stopped = false;

  async function poll(): Promise<void> {
    const stamps = await SyncedRecord.find({ shopToken: { $in: shopTokens }, resource }, { shopToken: 1, recordId: 1, syncedAt: 1 }).lean();
    const moved = stamps.filter((d) => seen.get(`${d.shopToken}/${d.recordId}`)?.syncedAt !== new Date(d.syncedAt).getTime());
    for (const shopToken of shopTokens) {
      const ids = moved.filter((d) => d.shopToken === shopToken).map((d) => d.recordId);
      for (let i = 0; i < ids.length; i += 500) {
        const docs = await SyncedRecord.find(
          { shopToken, resource, recordId: { $in: ids.slice(i, i + 500) } },
          { recordId: 1, syncedAt: 1, data: 1, lastUpdateTime: 1, deleted: 1 },
        ).lean();
        for (const doc of docs) {
          const key = `${shopToken}/${doc.recordId}`;
          const before = seen.get(key);
          const syncedAt = new Date(doc.syncedAt).getTime();
          if (before?.syncedAt === syncedAt) continue; // written back and forth between the two reads: next poll
          const contents = canonical({ data: doc.data, lastUpdateTime: doc.lastUpdateTime, deleted: doc.deleted });
          count.writes++;
          if (before && before.contents === contents) count.rewrites.set(key, (count.rewrites.get(key) ?? 0) + 1);
          seen.set(key, { syncedAt, contents });
        }
      }
    }
    count.polls++;
  }

  const loop = (async () => {
    while (!stopped) {
      // A database restart makes some polls fail; the next one catches up (syncedAt still differs).
      await poll().catch(() => count.failedPolls++);
      await sleep(intervalMs);
    }
    await poll().catch(() => count.failedPolls++);
  })();

  return {
    async recordControlRewrite() {
      const doc = await SyncedRecord.findOne({ shopToken: shopTokens[0], resource, deleted: false }).lean();
      if (!doc) throw new Error('no record to rewrite for the control');
      const key = `${doc.shopToken}/${doc.recordId}`;
      const polled = count.polls;
      while (count.polls < polled + 1) await sleep(100); // the record's current contents are known first
      const before = count.rewrites.get(key) ?? 0;
      await SyncedRecord.updateOne({ _id: doc._id }, { $set: { syncedAt: new Date() } });
      const deadline = Date.now() + 30_000;
      while ((count.rewrites.get(key) ?? 0) === before && Date.now() < deadline) await sleep(100);
      if ((count.rewrites.get(key) ?? 0) === before) throw new Error(`the write counter missed a known rewrite of ${key}`);
      // The control is not a duplicate of the scenario.
      if (before === 0) count.rewrites.delete(key);
      else count.rewrites.set(key, before);
      return key;
    },
    async stop() {
      stopped = true;
      await loop;
      return count;
    },
  };
}

export const totalRewrites = (count: WriteCount) => [...count.rewrites.values()].reduce((a, b) => a + b, 0);
