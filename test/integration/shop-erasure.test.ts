// The retention purge's erasure (src/db/shop-erasure.ts) on the real store (FerretDB 1.24 in tests): the cases
// the end-to-end test does not reach. An owner account shared with another shop is kept for that shop; a retry
// after a crash finishes the job; a shop that was reinstalled meanwhile keeps its document; a
// collection the erasure does not know by name is swept by its `shopToken` field; another shop is untouched.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createRecordStore, type RecordStore } from '../../src/db/record-store.js';
import { eraseShopData } from '../../src/db/shop-erasure.js';
import { consumedSignatures } from '../../src/db/consumed-signatures.js';

let db: Database;
let records: RecordStore;
const run = `se${Date.now() % 100000}`;
const uninstalledAt = new Date(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_shop_erasure_${run}$2`));
  records = createRecordStore(db.models);
});
afterAll(async () => {
  await db?.connection.dropDatabase();
  await db?.close();
});

async function seedShop(token: string, status: 'uninstalled' | 'active' | 'installing' = 'uninstalled') {
  const { Shop, VendorIdempotency } = db.models;
  await Shop.create({
    token,
    status,
    profile: 'emailing',
    version: 1,
    webhookKeyHash: `hash-${token}`,
    webhookKeyNonce: `nonce-${token}`,
    uninstalledAt: status === 'uninstalled' ? uninstalledAt : null,
  });
  await records.upsertMany(token, 'customers', [
    { recordId: '1', data: { customer_id: 1, login: { email: `buyer@${token}.example` } }, lastUpdateTime: new Date() },
  ]);
  await VendorIdempotency.create({ shopToken: token, key: 'k1', action: 'customer-create', fingerprint: 'f', state: 'done' });
  // A store this module does not name (like quarantined records or spilled webhook ids): keyed by shopToken.
  await db.connection.collection(`${run}_some_future_store`).insertOne({ shopToken: token, note: `of ${token}` });
}

/** Documents mentioning the token, per collection. */
async function mentions(token: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { name } of await db.connection.db!.listCollections().toArray()) {
    const docs = await db.connection.db!.collection(name).find({}).toArray();
    const n = docs.filter((d) => JSON.stringify(d).includes(token)).length;
    if (n) out[name] = n;
  }
  return out;
}

describe('shop erasure', () => {
  it('erases every document of the shop, keeps an account another shop still uses, leaves the other shop alone', async () => {
    const gone = `${run}-gone`;
    const kept = `${run}-kept`;
    await seedShop(gone);
    await seedShop(kept, 'active');
    const { Account, VendorToken } = db.models;
    await Account.create({ pairingKey: `email:solo@${gone}.example`, email: `solo@${gone}.example`, shopTokens: [gone] });
    await Account.create({ pairingKey: `email:both@${run}.example`, email: `both@${run}.example`, shopTokens: [gone, kept] });
    await VendorToken.create({ tokenId: `${run}a`, hash: `${run}ha`, name: 'one shop', shops: [gone] });
    await VendorToken.create({ tokenId: `${run}b`, hash: `${run}hb`, name: 'two shops', shops: [gone, kept] });
    await VendorToken.create({ tokenId: `${run}c`, hash: `${run}hc`, name: 'all shops', shops: null });
    const keptBefore = await mentions(kept);

    const erased = await eraseShopData(db, records, gone, uninstalledAt);
    expect(erased).toMatchObject({
      records: 1,
      byCollection: { vendor_idempotency: 1, [`${run}_some_future_store`]: 1 },
      accountsDeleted: 1,
      accountsUnlinked: 1,
      vendorTokensRevoked: 1,
      vendorTokensNarrowed: 2,
      shop: true,
    });
    expect(await mentions(gone)).toEqual({});
    expect(await mentions(kept)).toEqual(keptBefore);
    expect(await Account.findOne({ pairingKey: `email:both@${run}.example` }).lean()).toMatchObject({ shopTokens: [kept] });
    expect(await Account.countDocuments({ pairingKey: `email:solo@${gone}.example` })).toBe(0);
    const tokens = await VendorToken.find({ tokenId: { $in: [`${run}a`, `${run}b`, `${run}c`] } })
      .sort({ tokenId: 1 })
      .lean();
    expect(tokens.map((t) => [t.shops, t.revokedAt instanceof Date])).toEqual([
      [[], true],
      [[kept], false],
      [null, false],
    ]);
  });

  it('a retried purge finishes what a crashed attempt left, and repeats nothing else', async () => {
    const token = `${run}-retry`;
    await seedShop(token);
    await db.models.Account.create({ pairingKey: `email:retry@${token}.example`, email: `retry@${token}.example`, shopTokens: [token] });
    // A first attempt that got everything but its last step (the shop document): given another uninstall
    // time, the conditional delete of the shop document does not match, as if the attempt had crashed there.
    await eraseShopData(db, records, token, new Date(0));
    expect(await mentions(token)).toEqual({ shops: 1 });
    const again = await eraseShopData(db, records, token, uninstalledAt);
    expect(again).toMatchObject({ records: 0, byCollection: {}, accountsDeleted: 0, accountsUnlinked: 0, shop: true });
    expect(await mentions(token)).toEqual({});
  });

  it('a shop reinstalled while the purge ran keeps its document', async () => {
    const token = `${run}-back`;
    await seedShop(token, 'installing');
    const erased = await eraseShopData(db, records, token, uninstalledAt);
    expect(erased.shop).toBe(false);
    expect(await db.models.Shop.countDocuments({ token })).toBe(1);
  });

  it('expired consumed signatures go, live ones stay', async () => {
    const model = db.connection.collection('consumed_signatures');
    const now = new Date();
    await model.insertMany([
      { _id: `${run}-old` as never, callback: 'open', bodyDigest: 'x', consumedAt: now, expiresAt: new Date(now.getTime() - 1000) },
      { _id: `${run}-new` as never, callback: 'open', bodyDigest: 'y', consumedAt: now, expiresAt: new Date(now.getTime() + 60_000) },
    ]);
    expect(await consumedSignatures(db.connection).removeExpired(now)).toBe(1);
    expect((await model.find({}).toArray()).map((d) => d._id)).toEqual([`${run}-new`]);
  });
});
