// The iframe's record counts on the real store (FerretDB 1.24): a record counts once even while the FerretDB
// write path holds two versions of it (between its insert and its delete, or after a crash in between), and
// tombstones do not count. The two-version state is the one the write path leaves after its first statement;
// it is built here directly (a crash at that point), because the real window lasts one statement.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createRecordStore, readLiveRecords } from '../../src/db/record-store.js';
import { createLogger } from '../../src/logger.js';
import { recordCounts } from '../../src/http/ui/page-data.js';
import type { AppDeps } from '../../src/http/deps.js';
import { createStores } from '../../src/db/stores.js';

let db: Database;
const shop = `counts-${Date.now()}`;
const T = (s: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, s));
const order = (id: string, s: number) => ({ recordId: id, lastUpdateTime: T(s), data: { order_number: id, v: s } });

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_iframe_counts_${Date.now() % 100000}$2`));
});
afterAll(async () => {
  await db?.models.SyncedRecord.deleteMany({ shopToken: shop });
  await db?.close();
});

describe('iframe record counts', () => {
  it('count each live record once while a changed record has two stored versions; tombstones do not count', async () => {
    const store = createRecordStore(db.models, { writePath: 'ferretdb' });
    await store.upsertMany(
      shop,
      'orders',
      ['1', '2', '3', '4'].map((id) => order(id, 1)),
      new Date(),
      { expectNew: true },
    );
    await store.upsertMany(shop, 'customers', [{ recordId: 'c1', lastUpdateTime: T(1), data: { customer_id: 'c1' } }]);
    await store.tombstone(shop, 'orders', [{ recordId: '4', deletedAt: T(2) }]);
    // The FerretDB path's first statement for orders 1 and 2: their new versions in the other slot, the old
    // ones not yet deleted.
    await db.models.SyncedRecord.insertMany(
      ['1', '2'].map((id) => ({
        shopToken: shop,
        resource: 'orders',
        recordId: id,
        data: { order_number: id, v: 2 },
        lastUpdateTime: T(2),
        syncedAt: new Date(),
        slot: 1,
      })),
    );
    expect(await db.models.SyncedRecord.countDocuments({ shopToken: shop, resource: 'orders', deleted: false })).toBe(5);

    const deps = { db, stores: createStores(db), logger: createLogger('silent') } as unknown as AppDeps;
    expect(await recordCounts(deps, shop, ['orders', 'customers', 'products'])).toEqual({ orders: 3, customers: 1, products: 0 });
    expect(await store.countLive(shop)).toEqual({ orders: 3, customers: 1 });

    // Readers take the newest version of each id.
    const live = await readLiveRecords(db.models.SyncedRecord, shop, 'orders');
    expect(live.map((r) => [r.recordId, (r.data as { v: number }).v]).sort()).toEqual([
      ['1', 2],
      ['2', 2],
      ['3', 1],
    ]);
  });
});
