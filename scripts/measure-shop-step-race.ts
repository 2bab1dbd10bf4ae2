// Whether the shop store's lifecycle guards hold when two steps race on one shop, on this store: a late
// `markActive` (the install finishing) against `markUninstalled` (the uninstall callback), started together.
// Whatever the order, an atomic guard ends every race 'uninstalled' (markActive may start only from installing
// or active; uninstalled is final for it). Counted per race from the stored status; N races, 500 other shops so a
// filter the store does not answer from an index has work to do. Run against FerretDB (default, started here) or
// any MongoDB: `npx tsx scripts/measure-shop-step-race.ts [races] [mongodb-uri]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../src/db/connection.js';
import { createShopStore } from '../src/db/shop-store.js';
import { startFerretDb, type FerretDbServer } from '../src/local/ferretdb-server.js';

const races = Number(process.argv[2] ?? 200);
let ferret: FerretDbServer | undefined;
let dataDir: string | undefined;
let uri = process.argv[3];
if (!uri) {
  dataDir = mkdtempSync(join(tmpdir(), 'shop-race-'));
  ferret = await startFerretDb({ dataDir, database: 'shop_race' });
  uri = ferret.uri;
}
const db = await connectDatabase(uri);
const shops = createShopStore(db.models.Shop);
const credentials = { v: 1, iv: 'iv', tag: 'tag', data: 'data' };
const install = (token: string) =>
  shops.beginInstall({
    token,
    credentials,
    profile: 'kit',
    version: 1,
    upgatesVersion: '1',
    language: 'cs',
    newWebhookKey: () => ({ nonce: `n-${token}`, hash: `h-${token}-${Math.random()}` }),
    webhookKeyHashFor: (nonce) => `h-${nonce}`,
  });
await db.models.Shop.deleteMany({});
for (let i = 0; i < 500; i++) await install(`other-${i}`);
let heldNot = 0;
for (let race = 0; race < races; race++) {
  const token = `race-${race}`;
  await install(token);
  await Promise.all([shops.markActive(token), shops.markUninstalled(token, new Date(), new Date(Date.now() + 86_400_000))]);
  const stored = await shops.findByToken<{ status: string }>(token, { status: 1 });
  if (stored?.status !== 'uninstalled') heldNot++;
}
console.log(
  `${ferret ? 'FerretDB 1.24 (SQLite)' : uri}: ${heldNot} of ${races} races of markActive against markUninstalled ended other than 'uninstalled' (the guard did not hold); ${races - heldNot} ended 'uninstalled'`,
);
await db.close();
await ferret?.stop();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
