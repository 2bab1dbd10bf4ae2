// What the webhook route's per-delivery shop lookup cost before issue 18.1 (Shop.findOne by webhookKeyHash),
// measured on its own: a fresh FerretDB, 50 shops written as postInstall writes them, then the same lookup
// sequentially and 100 in flight (as the ingestion bench's 100 connections), with FerretDB's CPU time from
// /proc and the same lookups through the webhook shop cache next to it.
// `npx tsx scripts/measure-webhook-lookup.ts`
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb } from '../src/local/ferretdb-server.js';
import { connectDatabase } from '../src/db/connection.js';
import { createWebhookUrlKeys } from '../src/shops/webhook-url-key.js';
import { createWebhookShopCache } from '../src/http/webhooks/webhook-shop-cache.js';
import { latestVersion } from '../src/profiles/index.js';

const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, 100 ticks/s
};
const dataDir = mkdtempSync(join(tmpdir(), 'lookup-'));
const ferret = await startFerretDb({ dataDir, database: 'lookup' });
const pid = ferret.process.child.pid;
const db = await connectDatabase(ferret.uri);
const keys = createWebhookUrlKeys('x'.repeat(40), 'http://127.0.0.1');
const keyList: string[] = [];
await db.models.Shop.insertMany(
  Array.from({ length: 50 }, (_, i) => {
    const nonce = keys.newNonce();
    const key = keys.keyFor(`shop-${i}`, nonce);
    keyList.push(key);
    return {
      token: `shop-${i}`,
      status: 'active',
      profile: 'expedition',
      version: latestVersion('expedition'),
      webhookKeyNonce: nonce,
      webhookKeyHash: keys.hash(key),
    };
  }),
);
const lookup = (i: number) =>
  db.models.Shop.findOne({ webhookKeyHash: keys.hash(keyList[i % 50]!) }, { token: 1, status: 1, profile: 1 }).lean();
async function run(label: string, n: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  const c0 = pid ? cpuMs(pid) : NaN;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = pid ? cpuMs(pid) - c0 : NaN;
  console.log(
    `${label}: ${n} lookups, ${concurrency} in flight: ${(n / (ms / 1000)).toFixed(0)}/s, ${(ms / n).toFixed(2)} ms wall each, FerretDB CPU ${(cpu / n).toFixed(2)} ms each`,
  );
}
await run('warm-up', 100, 1, lookup);
await run('Shop.findOne by key hash', 500, 1, lookup);
await run('Shop.findOne by key hash', 1000, 100, lookup);
const cache = createWebhookShopCache(db.models.Shop, { hash: keys.hash });
await run('webhook shop cache', 1000, 100, (i) => cache.lookup(keyList[i % 50]!));
console.log(`cache: ${cache.stats().lookups} database reads for 1000 lookups`);
cache.stop();
await db.close();
await ferret.stop();
rmSync(dataDir, { recursive: true, force: true });
