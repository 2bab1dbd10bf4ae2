// Everything stored for one shop, erased: what the retention purge after an uninstall runs (issue 21).
// Convention: a collection that stores data of a shop keys it by a `shopToken` field; the purge deletes those
// documents in EVERY collection (the mirror, back-sync results, API usage, quarantined records, spilled
// webhook ids, ...), so a store added later is covered without being listed here. Collections that share a
// document between shops or key it otherwise are handled one by one below (shops, accounts, vendor tokens).
// test/e2e/personal-data-erasure.test.ts searches every collection for the shop afterwards.
//
// Each step is idempotent (a retried activity repeats them). The shop document goes last and only while it
// is still the uninstall being purged, so a retry after a crash still finds it, and a reinstall that raced
// with the purge keeps its shop. Not atomic across collections (no transactions here): a reinstall landing
// mid-purge starts from whatever is left (see README, Personal data).
import type { Database } from './connection.js';
import type { RecordStore } from './record-store.js';
import { consumedSignatures } from './consumed-signatures.js';

export interface ShopErasure {
  /** Synced records (orders, customers, ... and tombstones). */
  records: number;
  /** Other documents keyed by `shopToken`, per collection. */
  byCollection: Record<string, number>;
  accountsDeleted: number;
  accountsUnlinked: number;
  vendorTokensNarrowed: number;
  vendorTokensRevoked: number;
  expiredSignatures: number;
  shop: boolean;
}

export async function eraseShopData(
  db: Database,
  records: RecordStore,
  shopToken: string,
  uninstalledAt: Date,
  now = new Date(),
): Promise<ShopErasure> {
  const { Shop, Account, VendorToken } = db.models;
  const erasure = {} as ShopErasure;

  // The mirror through its own store (which knows its write paths), then every other collection's documents
  // of the shop: back-sync results under Idempotency-Keys (contact e-mails, Upgates' answers), API usage per
  // day (the usage guard needs the current day only, long over after the retention), and the rest.
  erasure.records = await records.purgeShop(shopToken);
  erasure.byCollection = {};
  for (const { name } of await db.connection.db!.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue;
    const deleted = (await db.connection.db!.collection(name).deleteMany({ shopToken })).deletedCount;
    if (deleted > 0) erasure.byCollection[name] = deleted;
  }

  // The owner's account (from GET /owner) is shared by the owner's shops: one linked to this shop alone goes,
  // the others lose this shop (an account still linked to another shop is that shop's data, kept with it).
  // Delete before pull, so a retry after a crash between the two still finds the account to delete.
  erasure.accountsDeleted = (await Account.deleteMany({ shopTokens: [shopToken] })).deletedCount ?? 0;
  erasure.accountsUnlinked = (await Account.updateMany({ shopTokens: shopToken }, { $pull: { shopTokens: shopToken } })).modifiedCount;

  // Vendor tokens scoped to the shop lose it. One scoped to this shop alone is revoked first (an empty scope
  // reaches no shop already; revoking shows it in `vendor-token list`). Tokens for all shops (null) stay.
  erasure.vendorTokensRevoked = (
    await VendorToken.updateMany({ shops: [shopToken], revokedAt: null }, { $set: { revokedAt: now } })
  ).modifiedCount;
  erasure.vendorTokensNarrowed = (await VendorToken.updateMany({ shops: shopToken }, { $pull: { shops: shopToken } })).modifiedCount;

  // Not the shop's, but without a TTL monitor (FerretDB) nothing else removes used signatures once expired.
  erasure.expiredSignatures = await consumedSignatures(db.connection).removeExpired(now);

  // Last: the shop document itself (token, profile, settings, webhook key hash, account link).
  erasure.shop = (await Shop.deleteOne({ token: shopToken, status: 'uninstalled', uninstalledAt })).deletedCount === 1;
  return erasure;
}
