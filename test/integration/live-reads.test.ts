// Readers of the mirror take one version per record (the newest) on every write path. The FerretDB write path
// inserts a changed record's new version before it deletes the old one, and a crash in between leaves both
// until the record's next write; a plain `find` then returns the record twice (once stale), or matches a
// filter on a version that is no longer current. Readers under test: the live read itself (readLiveRecords,
// with and without a filter), the iframe's shipping-method list (loadShipments; the settings mapping check
// reads the same way) and the variant-parent lookup of a deleted variant (findVariantParents).
// Proved: before the readers moved onto readLiveRecords, the shipping list held a changed method twice and
// the parent lookup returned a product twice and by a variant only its superseded version listed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createRecordStore, readLiveRecords, type RecordStore, type RecordVersion } from '../../src/db/record-store.js';
import { createStores } from '../../src/db/stores.js';
import { loadShipments } from '../../src/http/ui/page-data.js';
import { findVariantParents } from '../../activities/sync-records.js';

let db: Database;
let store: RecordStore;
const run = `lr-${Date.now()}`;
const T = (s: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, s));
const shipment = (id: string, name: string): RecordVersion => ({
  recordId: id,
  lastUpdateTime: null,
  data: { id: Number(id), code: `code-${id}`, descriptions: [{ language_id: 'cs', name }] },
});
const product = (id: string, s: number, variants: number[]): RecordVersion => ({
  recordId: id,
  lastUpdateTime: T(s),
  data: { product_id: Number(id), round: s, variants: variants.map((variant_id) => ({ variant_id })) },
});

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_live_reads_${Date.now() % 100000}$2`));
  store = createRecordStore(db.models, { writePath: 'ferretdb' });
});
afterAll(async () => {
  await db?.connection.dropDatabase();
  await db?.close();
});

/** A crash between the FerretDB path's two statements: the new version is stored, the old one not yet removed. */
async function leaveSecondVersion(shopToken: string, resource: string, record: RecordVersion) {
  await db.models.SyncedRecord.create({
    shopToken,
    resource,
    recordId: record.recordId,
    data: record.data,
    lastUpdateTime: record.lastUpdateTime,
    deleted: false,
    deletedAt: null,
    syncedAt: new Date(),
    slot: 1,
  });
}

describe('live reads of the mirror', () => {
  it('take one version per record, the newest, when a crash left two', async () => {
    const shop = `${run}-crash`;
    await store.upsertMany(shop, 'shipments', [shipment('1', 'PPL'), shipment('2', 'Zásilkovna')]);
    await leaveSecondVersion(shop, 'shipments', shipment('1', 'PPL Parcel'));
    expect(await db.models.SyncedRecord.countDocuments({ shopToken: shop, resource: 'shipments' })).toBe(3); // the setup holds

    expect(await loadShipments({ stores: createStores(db) }, shop, 'cs')).toEqual([
      { id: '1', name: 'PPL Parcel' },
      { id: '2', name: 'Zásilkovna' },
    ]);
    const live = await readLiveRecords(db.models.SyncedRecord, shop, 'shipments', { withData: false });
    expect(live.map((r) => r.recordId).sort()).toEqual(['1', '2']);

    // Product 10 listed variant 77 and lists 88 now; product 11 lists 77 in both versions.
    await store.upsertMany(shop, 'products', [product('10', 1, [77]), product('11', 1, [77])]);
    await leaveSecondVersion(shop, 'products', product('10', 2, [88]));
    await leaveSecondVersion(shop, 'products', product('11', 2, [77, 99]));
    expect(await findVariantParents({ stores: createStores(db) }, shop, ['77'])).toEqual(['11']);
    expect(await findVariantParents({ stores: createStores(db) }, shop, ['88'])).toEqual(['10']);
    expect((await findVariantParents({ stores: createStores(db) }, shop, ['88', '99'])).sort()).toEqual(['10', '11']);
    expect(await findVariantParents({ stores: createStores(db) }, shop, ['12345'])).toEqual([]);

    // The next write of the record removes the older version; readers are unchanged by it.
    await store.upsertMany(shop, 'shipments', [shipment('1', 'PPL Parcel Connect')]);
    expect(await db.models.SyncedRecord.countDocuments({ shopToken: shop, resource: 'shipments' })).toBe(2);
    expect((await loadShipments({ stores: createStores(db) }, shop, 'cs')).map((s) => s.name)).toEqual([
      'PPL Parcel Connect',
      'Zásilkovna',
    ]);
  });

  it('a concurrent reader finds every record exactly once while changed records are rewritten', async () => {
    const shop = `${run}-concurrent`;
    const ids = Array.from({ length: 60 }, (_, i) => String(100 + i));
    // Every product lists one variant of its own (id * 10) and a shared one (1); shipments change their names.
    const products = (s: number) => ids.map((id) => product(id, s, [Number(id) * 10, 1]));
    const shipments = (s: number) => ids.slice(0, 20).map((id) => shipment(id, `method ${id} r${s}`));
    await store.upsertMany(shop, 'products', products(0), new Date(), { expectNew: true });
    await store.upsertMany(shop, 'shipments', shipments(0));
    let writing = true;
    let reads = 0;
    const faults: string[] = [];
    const exactlyOnce = (what: string, got: string[], want: string[]) => {
      const sorted = [...got].sort();
      if (JSON.stringify(sorted) !== JSON.stringify([...want].sort()))
        faults.push(`read ${reads} ${what}: ${got.length} ids for ${want.length}, ${new Set(got).size} distinct`);
    };
    const reader = (async () => {
      while (writing) {
        reads++;
        exactlyOnce('parents of the shared variant', await findVariantParents({ stores: createStores(db) }, shop, ['1']), ids);
        exactlyOnce(
          'parents of own variants',
          await findVariantParents(
            { stores: createStores(db) },
            shop,
            ids.slice(0, 10).map((id) => String(Number(id) * 10)),
          ),
          ids.slice(0, 10),
        );
        exactlyOnce(
          'shipping methods',
          (await loadShipments({ stores: createStores(db) }, shop, 'cs')).map((s) => s.id),
          ids.slice(0, 20),
        );
      }
    })();
    for (let round = 1; round <= 8; round++) {
      expect((await store.upsertMany(shop, 'products', products(round))).written).toBe(ids.length);
      expect((await store.upsertMany(shop, 'shipments', shipments(round))).written).toBe(20);
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(2);
    expect(faults).toEqual([]);
    expect((await loadShipments({ stores: createStores(db) }, shop, 'cs')).map((s) => s.name)).toContain('method 100 r8');
  }, 180_000);
});
