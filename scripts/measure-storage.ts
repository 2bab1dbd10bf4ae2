// Measures what 10,000 orders cost in the mirror (docs/scaling.md, "MongoDB size"): the sandbox renders a
// shop's orders exactly as its GET /orders answers them, the record store writes them into a fresh FerretDB
// (the same upsertMany the initial sync's syncPages activity calls), then we read the server's collStats, the BSON size of the
// stored documents (what MongoDB's `size` counts before compression) and the SQLite files on disk.
// Usage: npx tsx scripts/measure-storage.ts [orders=10000]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startSandbox } from '../sandbox/index.js';
import { connectDatabase } from '../src/db/connection.js';
import { createRecordStore } from '../src/db/record-store.js';
import { startFerretDb } from '../src/local/ferretdb-server.js';
import { toRecordVersion } from '../activities/record-mapping.js';

const ORDERS = Number(process.argv[2] ?? 10_000);
const dataDir = mkdtempSync(join(tmpdir(), 'measure-storage-'));
const ferret = await startFerretDb({ dataDir, database: 'storage_measure' });
const sandbox = await startSandbox({ timeScale: 0.001 });
try {
  const shop = sandbox.createShop({ token: 'storage-shop', seed: 11, orders: ORDERS, ordersSpreadDays: 90 });
  const orders = shop.data.orders as Array<Record<string, unknown>>;
  const db = await connectDatabase(ferret.uri);
  const store = createRecordStore(db.models, { writePath: 'auto' });
  const started = Date.now();
  for (let i = 0; i < orders.length; i += 100)
    await store.upsertMany(
      shop.token,
      'orders',
      orders.slice(i, i + 100).map((o) => toRecordVersion('orders', o)),
      new Date(),
      { expectNew: true }, // as the initial sync writes pages (syncPages)
    );
  const writeSeconds = (Date.now() - started) / 1000;
  const docs = await db.models.SyncedRecord.find({ shopToken: shop.token, resource: 'orders' }).lean();
  const bsonBytes = docs.reduce((sum, doc) => sum + mongoose.mongo.BSON.calculateObjectSize(doc), 0);
  const stats = (await db.connection.db!.command({ collStats: db.models.SyncedRecord.collection.collectionName })) as Record<
    string,
    unknown
  >;
  await db.close();
  const sqliteBytes = readdirSync(join(dataDir, 'ferretdb'))
    .filter((f) => f.includes('storage_measure'))
    .reduce((sum, f) => sum + statSync(join(dataDir, 'ferretdb', f)).size, 0);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  process.stdout.write(
    [
      `orders written: ${docs.length} in ${writeSeconds.toFixed(1)} s (record store, 100 per upsertMany, expectNew as the initial sync)`,
      `rendered order JSON, mean: ${Math.round(orders.reduce((s, o) => s + JSON.stringify(o).length, 0) / orders.length)} bytes`,
      `stored documents, BSON: ${mb(bsonBytes)} (${Math.round(bsonBytes / docs.length)} bytes per order)`,
      `collStats: size ${mb(Number(stats.size))}, storageSize ${mb(Number(stats.storageSize))}, totalIndexSize ${mb(Number(stats.totalIndexSize))}, nindexes ${String(stats.nindexes)}`,
      `FerretDB SQLite file(s) of the database on disk: ${mb(sqliteBytes)}`,
    ].join('\n') + '\n',
  );
} finally {
  await sandbox.stop();
  await ferret.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
