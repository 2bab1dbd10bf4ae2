// 3. Initial sync of a big shop under 50 ms Upgates latency and the 3-concurrent-requests limit: time against
// the larger of the bound the limit sets (calls × 50 ms / 3) and the database floor (the record store alone
// writing the same records in the same batches, measured in the same run), database commands per 1,000
// records, 429s provoked, and the compiled worker's idle and peak RSS at two shop sizes (the worker runs in a
// child process so its memory is not mixed with the sandbox's generated data). The floor is also measured on a
// second FerretDB with the other SQLite `synchronous` setting, to show what it is worth.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startBenchApp } from './lib/app.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { measureDatabaseFloor, storedRecords, type FloorRun } from './lib/database-floor.js';
import { fmt, sleep } from './lib/stats.js';
import { LOCAL_SQLITE_PRAGMAS, startFerretDb, type FerretDbServer } from '../src/local/ferretdb-server.js';
import { formatCpu, startCpuPhase, type CpuPhase } from './lib/cpu.js';
import type { BenchContext } from './lib/context.js';
import { activitySpans } from './lib/activity-profile.js';
import { shopWorkflowId } from '../src/temporal/workflow-ids.js';
import { createUpgatesClient } from '../src/upgates/client.js';
import type { BenchResult, Row } from './lib/report.js';

const LATENCY_MS = 50;
/** The SQLite setting compared against the launcher's (src/local/ferretdb-server.ts). */
const SYNC_NORMAL = ['synchronous(normal)'];
const pragmaLabel = (pragmas: readonly string[]) => (pragmas.length ? pragmas.join(', ') : "FerretDB's defaults (synchronous full)");

interface SyncRun {
  orders: number;
  products: number;
  seconds: number;
  calls: number;
  boundSeconds: number;
  http429: number;
  maxConcurrency: number;
  idleMb: number;
  peakMb: number;
  upsertSeconds: number;
  httpBusySeconds: number;
  /** The sync window split three ways: a store call running, an activity running but no store call, no activity. */
  split: { storeBusy: number; activityNoStore: number; noActivity: number };
  /** Activities within the window by type: count, summed wait for a worker and run time (s). */
  activities: Array<{ type: string; count: number; waitSeconds: number; runSeconds: number }>;
  records: number;
  commands: Record<string, number>;
  commandsInstallToLive: number;
  batches: number;
  /** The store alone, same records and batches, on the sync's FerretDB. */
  floor: FloorRun;
  /** The same on a FerretDB with the other SQLite setting. */
  altFloor: FloorRun;
  /** The floor with the next wave fetched and parsed alongside each store call (the sync's CPU neighbours). */
  floorWithNeighbours: FloorRun;
  neighbourCores: CpuPhase;
  /** Who had the cores from the install until live, and while the floor ran (the store alone). */
  syncCores: CpuPhase;
  floorCores: CpuPhase;
}

async function syncOnce(ctx: BenchContext, orders: number, products: number, altFerret: FerretDbServer): Promise<SyncRun> {
  const bench = await startBenchApp(ctx.services, `isync${orders}`, { role: 'api', env: { ADDON_PROFILE: 'fulfillment' } });
  const worker = await startWorkerProcess(bench.env, ctx.services.worker, ctx.services.logFile(`initial-sync-${orders}-worker`));
  try {
    const token = `isync-${orders}`;
    const shop = bench.sandbox.createShop({ token, seed: 11, orders, products, ordersSpreadDays: 10, grantedAccesses: 'all' });
    bench.sandbox.faults.set('*', { latencyMs: LATENCY_MS, seed: 1 });
    await sleep(500);
    const idleMb = worker.memory().rssMb;
    worker.resetPeak();
    worker.resetCounters();
    const pids = { worker: worker.pid, temporal: ctx.services.temporal.process.child.pid, ferretdb: ctx.services.ferret.process.child.pid };
    const syncCpu = startCpuPhase(pids);
    const installed = await bench.sandbox.lifecycle.install(shop.token, { addonUrl: bench.addonUrl });
    if (!installed.ok) throw new Error(`install failed: ${JSON.stringify(installed.body)}`);
    const live = await bench.waitLive(token, ctx.full ? 3_600_000 : 600_000);
    const syncCores = syncCpu();
    const progress = live.initialSync!;
    const from = Date.parse(progress.startedAt);
    const to = Date.parse(progress.finishedAt!);
    const calls = bench.sandbox.calls.filter((c) => c.shopToken === token && c.startedAt >= from && c.startedAt <= to);
    const timing = await worker.timing();
    const peakMb = worker.memory().peakMb;
    const seconds = (to - from) / 1000;
    const history = await bench.app.temporal.workflow.getHandle(shopWorkflowId(token)).fetchHistory();
    const spans = activitySpans(history.events ?? []).filter((a) => a.closedAt > from && a.startedAt < to);
    const window: [number, number] = [from, to];
    const storeBusy = unionSeconds(
      timing.batches.map((b) => [b.startedAt, b.endedAt || to]),
      window,
    );
    const activityBusy = unionSeconds(
      spans.map((a) => [a.startedAt, a.closedAt]),
      window,
    );
    const activities = new Map<string, { type: string; count: number; waitSeconds: number; runSeconds: number }>();
    for (const a of spans) {
      const row = activities.get(a.type) ?? { type: a.type, count: 0, waitSeconds: 0, runSeconds: 0 };
      row.count++;
      row.waitSeconds += (a.startedAt - a.scheduledAt) / 1000;
      row.runSeconds += (a.closedAt - a.startedAt) / 1000;
      activities.set(a.type, row);
    }
    // The floor: the records the sync stored, written again by the store alone into fresh databases.
    const stored = await storedRecords(bench.app.db.models.SyncedRecord, token);
    const floorUri = (uri: string, name: string) => uri.replace(/\/([^/?]+)(\?|$)/, `/floor_${name}_${orders}$2`);
    const floorCpu = startCpuPhase({ ferretdb: ctx.services.ferret.process.child.pid });
    const floor = await measureDatabaseFloor(floorUri(ctx.services.ferret.uri, 'same'), token, stored, timing.batches);
    const floorCores = floorCpu();
    const altFloor = await measureDatabaseFloor(floorUri(altFerret.uri, 'alt'), token, stored, timing.batches);
    // The floor again with the sync's neighbours: before each store call the next 3 pages of orders are fetched
    // from the sandbox (same latency) and parsed by the app's Upgates client in this process, as the worker does
    // while it writes. No Temporal, no activity: what is left of the gap to the sync is the sync loop's own.
    const client = createUpgatesClient({ shopToken: token, credentials: shop.credentials!, timeoutMs: 30_000 });
    const totalPages = Math.ceil(orders / 100);
    const neighbourCpu = startCpuPhase({ ferretdb: ctx.services.ferret.process.child.pid });
    const floorWithNeighbours = await measureDatabaseFloor(floorUri(ctx.services.ferret.uri, 'neighbours'), token, stored, timing.batches, {
      alongside: (call) =>
        Promise.all([0, 1, 2].map((i) => client.getPage('orders', ((call * 3 + i) % totalPages) + 1, {}, { priority: 'mandatory' }))),
    });
    const neighbourCores = neighbourCpu();
    if (process.env.BENCH_DUMP_DIR)
      writeFileSync(join(process.env.BENCH_DUMP_DIR, `isync-${orders}.json`), JSON.stringify({ from, to, timing, floor, spans }));
    return {
      orders,
      products,
      seconds,
      calls: calls.length,
      boundSeconds: (calls.length * LATENCY_MS) / 3 / 1000,
      http429: calls.filter((c) => c.status === 429).length,
      maxConcurrency: Math.max(0, ...calls.map((c) => c.concurrencyAtStart)),
      idleMb,
      peakMb,
      upsertSeconds: timing.upsertMs / 1000,
      httpBusySeconds: unionSeconds(calls.map((c) => [c.startedAt, c.endedAt || c.startedAt])),
      split: { storeBusy, activityNoStore: Math.max(0, activityBusy - storeBusy), noActivity: Math.max(0, seconds - activityBusy) },
      activities: [...activities.values()],
      records: Object.values(progress.counts).reduce((a, b) => a + b, 0),
      // The sync's own commands: those started within the initial sync (the install before it is not counted).
      commands: countByName(timing.commands.filter((c) => c.at >= from && c.at <= to)),
      commandsInstallToLive: timing.commands.length,
      batches: timing.batches.length,
      floor,
      altFloor,
      floorWithNeighbours,
      syncCores,
      floorCores,
      neighbourCores,
    };
  } finally {
    await worker.stop();
    await bench.stop();
  }
}

/** Wall time during which at least one interval was open (each clipped to `within` when given). */
function unionSeconds(intervals: Array<[number, number]>, within?: [number, number]): number {
  const clipped = within
    ? intervals.map(([s, e]): [number, number] => [Math.max(s, within[0]), Math.min(e, within[1])]).filter(([s, e]) => e > s)
    : intervals;
  const sorted = [...clipped].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  let start = -Infinity;
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else end = Math.max(end, e);
  }
  if (end > start) total += end - start;
  return total / 1000;
}

function countByName(commands: Array<{ name: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { name } of commands) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
const sumValues = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const perThousand = (n: number, records: number) => (1000 * n) / Math.max(1, records);

export async function initialSync(ctx: BenchContext): Promise<Omit<BenchResult, 'durationMs'>> {
  const sizes = ctx.full
    ? [
        { orders: 10_000, products: 1_000 },
        { orders: 100_000, products: 10_000 },
      ]
    : [
        { orders: 2_000, products: 200 },
        { orders: 10_000, products: 1_000 },
      ];
  const altPragmas = LOCAL_SQLITE_PRAGMAS.length ? [] : SYNC_NORMAL;
  const setup = [
    `shops of ${sizes.map((s) => `${s.orders.toLocaleString('en-US')} orders / ${s.products.toLocaleString('en-US')} products`).join(' and ')} (fulfillment profile), one after the other, each with a fresh database and worker`,
    `sandbox latency ${LATENCY_MS} ms on every API call (held while the request occupies one of the shop's 3 concurrency slots)`,
    "time = the shop workflow's initialSync.startedAt..finishedAt; calls = sandbox.calls of that shop in that window; bound = calls × 50 ms / 3",
    "database floor = the record store alone (this process, no API, no Temporal) writing the records the sync stored, in the worker's batches (resource, size, order), into a fresh database; measured right after each sync",
    `database commands: the worker's driver command monitoring (commandStarted) within the initial sync's window, every command of the process (usage ledger, shop reads, change claims, writes); the baseline column adds the store alone (floor) and the whole install-to-live count`,
    `FerretDB SQLite settings: the sync's FerretDB uses ${pragmaLabel(LOCAL_SQLITE_PRAGMAS)} (src/local/ferretdb-server.ts); the floor is measured again on a second FerretDB with ${pragmaLabel(altPragmas)}`,
    `worker in a child process running the compiled build (dist/, prebuilt workflow bundle, ${ctx.services.worker.execArgv.join(' ')}): RSS from /proc/<pid>/status, peak = VmHWM reset right before the install; API and sandbox in this process`,
  ];
  const rows: Row[] = [];
  const notes: string[] = [];
  const runs: SyncRun[] = [];
  const altFerret = await startFerretDb({
    dataDir: join(ctx.services.dataDir, 'ferret-alt'),
    database: 'bench',
    sqlitePragmas: altPragmas,
  });
  try {
    for (const size of sizes) {
      const run = await syncOnce(ctx, size.orders, size.products, altFerret);
      ctx.log(
        `  ${size.orders} orders: ${fmt(run.seconds)} s, ${run.calls} calls, bound ${fmt(run.boundSeconds)} s, floor ${fmt(run.floor.seconds)} s (other SQLite setting ${fmt(run.altFloor.seconds)} s), upserts ${fmt(run.upsertSeconds)} s, ${sumValues(run.commands)} commands ${JSON.stringify(run.commands)}, idle RSS ${fmt(run.idleMb, 0)} MB, peak ${fmt(run.peakMb, 0)} MB`,
      );
      runs.push(run);
    }
  } finally {
    await altFerret.stop();
  }
  const [small, large] = [runs[0]!, runs[runs.length - 1]!];
  for (const run of runs) {
    const n = run.orders.toLocaleString('en-US');
    const limit = Math.max(run.boundSeconds, run.floor.seconds);
    const ratio = run.seconds / limit;
    rows.push({
      metric: `time, ${n} orders (${run.records.toLocaleString('en-US')} records)`,
      target: 'time / max(API bound, DB floor) ≤ 1.15',
      measured: `${fmt(run.seconds)} s (${fmt(ratio, 2)})`,
      baseline: `API bound ${fmt(run.boundSeconds)} s (${run.calls} calls × ${LATENCY_MS} ms / 3), DB floor ${fmt(run.floor.seconds)} s (${run.batches} store calls)`,
      pass: ratio <= 1.15,
    });
    rows.push({
      metric: `where the time went, ${n} orders`,
      target: 'info',
      measured: `a store call running ${fmt(run.split.storeBusy)} s (${fmt((100 * run.split.storeBusy) / run.seconds, 0)} %), an activity but no store call ${fmt(run.split.activityNoStore)} s (${fmt((100 * run.split.activityNoStore) / run.seconds, 0)} %), no activity running ${fmt(run.split.noActivity)} s (${fmt((100 * run.split.noActivity) / run.seconds, 0)} %); HTTP in flight ${fmt(run.httpBusySeconds)} s (${fmt((100 * run.httpBusySeconds) / run.seconds, 0)} %, overlapping)`,
      baseline: `activities: ${run.activities
        .map((a) => `${a.type} ×${a.count} (waited ${fmt(a.waitSeconds)} s, ran ${fmt(a.runSeconds)} s)`)
        .join(', ')}; store calls ${fmt(run.upsertSeconds)} s against the floor's ${fmt(run.floor.seconds)} s`,
      pass: null,
    });
    const nf = run.floorWithNeighbours.seconds;
    rows.push({
      metric: `DB floor with the next wave fetched alongside, ${n} orders`,
      target: 'info',
      measured: `${fmt(nf)} s (${fmt(nf / run.floor.seconds, 2)}× the floor alone); the sync takes ${fmt(run.seconds / nf, 2)}× this`,
      baseline: `floor alone ${fmt(run.floor.seconds)} s; cores while it ran: ${formatCpu(run.neighbourCores).replace('app + load generator', 'store + fetch + sandbox (bench process)')}`,
      pass: null,
    });
    rows.push({
      metric: `cores busy, ${n} orders: install to live`,
      target: 'info',
      measured: formatCpu(run.syncCores).replace('app + load generator', 'API + sandbox'),
      baseline: `the DB floor: ${formatCpu(run.floorCores).replace('app + load generator', 'the store (bench process)')}`,
      pass: null,
    });
    const commands = sumValues(run.commands);
    const byName = Object.entries(run.commands)
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    rows.push({
      metric: `database commands per 1,000 records, ${n} orders`,
      target: '≤ 20',
      measured: `${fmt(perThousand(commands, run.records), 1)} (${commands}: ${byName})`,
      baseline: `store alone ${fmt(perThousand(run.floor.commands, run.floor.records), 1)} (${run.floor.commands}); install to live ${fmt(perThousand(run.commandsInstallToLive, run.records), 1)} (${run.commandsInstallToLive})`,
      pass: perThousand(commands, run.records) <= 20,
    });
    rows.push({
      metric: `DB floor by FerretDB SQLite setting, ${n} orders`,
      target: 'info',
      measured: `${pragmaLabel(LOCAL_SQLITE_PRAGMAS)}: ${fmt(run.floor.seconds)} s`,
      baseline: `${pragmaLabel(altPragmas)}: ${fmt(run.altFloor.seconds)} s`,
      pass: null,
    });
    rows.push({
      metric: `429s provoked / max concurrency, ${n} orders`,
      target: '0 / ≤ 3',
      measured: `${run.http429} / ${run.maxConcurrency}`,
      baseline: 'n/a',
      pass: run.http429 === 0 && run.maxConcurrency <= 3,
    });
  }
  rows.push({
    metric: 'worker idle RSS (compiled)',
    target: '≤ 180 MB',
    measured: `${fmt(Math.max(...runs.map((r) => r.idleMb)), 0)} MB`,
    baseline: runs.map((r) => `${fmt(r.idleMb, 0)} MB before ${r.orders.toLocaleString('en-US')} orders`).join(', '),
    pass: Math.max(...runs.map((r) => r.idleMb)) <= 180,
  });
  rows.push({
    metric: 'worker peak RSS above idle',
    target: 'info',
    measured: `+${fmt(large.peakMb - large.idleMb, 0)} MB at ${large.orders.toLocaleString('en-US')} orders`,
    baseline: `+${fmt(small.peakMb - small.idleMb, 0)} MB at ${small.orders.toLocaleString('en-US')} orders`,
    pass: null,
  });
  rows.push({
    metric: 'worker peak RSS, largest shop',
    target: '≤ 256 MB',
    measured: `${fmt(large.peakMb, 0)} MB`,
    baseline: `idle worker ${fmt(large.idleMb, 0)} MB`,
    pass: large.peakMb <= 256,
  });
  const growth = large.peakMb / small.peakMb;
  rows.push({
    metric: `worker peak RSS growth, ${large.orders / small.orders}× the shop`,
    target: 'not growing (≤ 1.25×)',
    measured: `${fmt(large.peakMb, 0)} MB (${fmt(growth, 2)}×)`,
    baseline: `${fmt(small.peakMb, 0)} MB at ${small.orders.toLocaleString('en-US')} orders`,
    pass: growth <= 1.25,
  });
  for (const run of runs) {
    const limit = Math.max(run.boundSeconds, run.floor.seconds);
    if (run.seconds / limit <= 1.15) continue;
    const nf = run.floorWithNeighbours.seconds;
    notes.push(
      `${run.orders.toLocaleString('en-US')} orders above 1.15× the larger of the API bound and the DB floor: ${fmt(run.seconds)} s against ${fmt(limit)} s. The store calls took ${fmt(run.upsertSeconds)} s in the sync against ${fmt(run.floor.seconds)} s alone and ${fmt(nf)} s when the same process fetched and parsed the next wave alongside each call (no Temporal, no activity): on this 2-core box FerretDB keeps ${fmt(run.floorCores.cores.ferretdb ?? 0, 2)} cores busy while it writes alone, and the fetch and parse of the next wave (and the sandbox serving it) take cores from it, so overlapping the two costs the writes ${fmt(nf / run.floor.seconds, 2)}×. What is left, ${fmt(Math.max(0, run.seconds - nf))} s, is the sync loop's own (workflow tasks between activities, each activity's first page fetched alone, its last wave written alone, heartbeats). What lifts it: a database on cores of its own (MongoDB on another machine; Upgates' servers produce the pages, not ours).`,
    );
  }
  for (const run of runs) {
    const per = perThousand(sumValues(run.commands), run.records);
    if (per <= 20) continue;
    notes.push(
      `${run.orders.toLocaleString('en-US')} orders: ${fmt(per, 1)} database commands per 1,000 records. Per 3-page wave: the change claim's insert, the insertMany and the claim's end (the claims are read only when another writer claimed meanwhile, and every 20th claim), the usage ledger's update (the wave's 3 calls share it; counted before the requests, fail closed), and the suspension re-check, a shop read at most once a second while requests go out. Fixed per resource: the shop read of planInitialSync and of syncPages, and the first page of every 60 written alone.`,
    );
  }
  if (!(large.peakMb <= 256) || Math.max(...runs.map((r) => r.idleMb)) > 180)
    notes.push(
      `Worker RSS above target (idle ${fmt(large.idleMb, 0)} MB, peak ${fmt(large.peakMb, 0)} MB): the compiled worker holds Node, the Temporal core (Rust, its own threads and buffers) and the workflow bundle in its V8 context; the sync holds two waves of 3 pages at most.`,
    );
  if (!(growth <= 1.25))
    notes.push(
      'Worker peak RSS grows with the shop size beyond 1.25×: the activity keeps at most two waves of pages, so the growth is V8 growing its heap under a write-heavy load or retained objects.',
    );
  return { id: 'initial-sync', title: '3. Initial sync', setup, rows, notes };
}
