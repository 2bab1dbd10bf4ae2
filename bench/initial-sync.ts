// 3. Initial sync of a big shop under 50 ms Upgates latency and the 3-concurrent-requests limit: time against
// the bound the limit sets (calls × 50 ms / 3), 429s provoked, and the worker's peak RSS at two shop sizes
// (the worker runs in a child process so its memory is not mixed with the sandbox's generated data).
import { startBenchApp } from './lib/app.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { fmt, sleep } from './lib/stats.js';
import type { BenchContext } from './lib/context.js';
import type { BenchResult, Row } from './lib/report.js';

const LATENCY_MS = 50;

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
  records: number;
}

async function syncOnce(ctx: BenchContext, orders: number, products: number): Promise<SyncRun> {
  const bench = await startBenchApp(ctx.services, `isync${orders}`, { role: 'api', env: { ADDON_PROFILE: 'fulfillment' } });
  const worker = await startWorkerProcess(bench.env, ctx.services.bundlePath, ctx.services.logFile(`initial-sync-${orders}-worker`));
  try {
    const token = `isync-${orders}`;
    const shop = bench.sandbox.createShop({ token, seed: 11, orders, products, ordersSpreadDays: 10, grantedAccesses: 'all' });
    bench.sandbox.faults.set('*', { latencyMs: LATENCY_MS, seed: 1 });
    await sleep(500);
    const idleMb = worker.memory().rssMb;
    worker.resetPeak();
    const installed = await bench.sandbox.lifecycle.install(shop.token, { addonUrl: bench.addonUrl });
    if (!installed.ok) throw new Error(`install failed: ${JSON.stringify(installed.body)}`);
    const live = await bench.waitLive(token, ctx.full ? 3_600_000 : 600_000);
    const progress = live.initialSync!;
    const from = Date.parse(progress.startedAt);
    const to = Date.parse(progress.finishedAt!);
    const calls = bench.sandbox.calls.filter((c) => c.shopToken === token && c.startedAt >= from && c.startedAt <= to);
    const timing = await worker.timing();
    const seconds = (to - from) / 1000;
    return {
      orders,
      products,
      seconds,
      calls: calls.length,
      boundSeconds: (calls.length * LATENCY_MS) / 3 / 1000,
      http429: calls.filter((c) => c.status === 429).length,
      maxConcurrency: Math.max(0, ...calls.map((c) => c.concurrencyAtStart)),
      idleMb,
      peakMb: worker.memory().peakMb,
      upsertSeconds: timing.upsertMs / 1000,
      httpBusySeconds: unionSeconds(calls.map((c) => [c.startedAt, c.endedAt || c.startedAt])),
      records: Object.values(progress.counts).reduce((a, b) => a + b, 0),
    };
  } finally {
    await worker.stop();
    await bench.stop();
  }
}

/** Wall time during which at least one request was in flight. */
function unionSeconds(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
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
  const setup = [
    `shops of ${sizes.map((s) => `${s.orders.toLocaleString('en-US')} orders / ${s.products.toLocaleString('en-US')} products`).join(' and ')} (fulfillment profile), one after the other, each with a fresh database and worker`,
    `sandbox latency ${LATENCY_MS} ms on every API call (held while the request occupies one of the shop's 3 concurrency slots)`,
    "time = the shop workflow's initialSync.startedAt..finishedAt; calls = sandbox.calls of that shop in that window; bound = calls × 50 ms / 3",
    'worker in a child process: RSS from /proc/<pid>/status, peak = VmHWM reset right before the install; API and sandbox in this process',
  ];
  const rows: Row[] = [];
  const notes: string[] = [];
  const runs: SyncRun[] = [];
  for (const size of sizes) {
    const run = await syncOnce(ctx, size.orders, size.products);
    ctx.log(
      `  ${size.orders} orders: ${fmt(run.seconds)} s, ${run.calls} calls, bound ${fmt(run.boundSeconds)} s, upserts ${fmt(run.upsertSeconds)} s, peak RSS ${fmt(run.peakMb, 0)} MB`,
    );
    runs.push(run);
  }
  const [small, large] = [runs[0]!, runs[runs.length - 1]!];
  for (const run of runs) {
    const ratio = run.boundSeconds / run.seconds;
    rows.push({
      metric: `time, ${run.orders.toLocaleString('en-US')} orders (${run.records.toLocaleString('en-US')} records)`,
      target: 'bound / time ≥ 0.90',
      measured: `${fmt(run.seconds)} s (bound/time ${fmt(ratio, 2)})`,
      baseline: `bound ${fmt(run.boundSeconds)} s (${run.calls} calls × ${LATENCY_MS} ms / 3)`,
      pass: ratio >= 0.9,
    });
    rows.push({
      metric: `where the time went, ${run.orders.toLocaleString('en-US')} orders`,
      target: 'info',
      measured: `DB upserts ${fmt(run.upsertSeconds)} s (${fmt((100 * run.upsertSeconds) / run.seconds, 0)} %), HTTP in flight ${fmt(run.httpBusySeconds)} s (${fmt((100 * run.httpBusySeconds) / run.seconds, 0)} %)`,
      baseline: 'n/a',
      pass: null,
    });
    rows.push({
      metric: `429s provoked / max concurrency, ${run.orders.toLocaleString('en-US')} orders`,
      target: '0 / ≤ 3',
      measured: `${run.http429} / ${run.maxConcurrency}`,
      baseline: 'n/a',
      pass: run.http429 === 0 && run.maxConcurrency <= 3,
    });
  }
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
    if (run.boundSeconds / run.seconds >= 0.9) continue;
    const dbShare = run.upsertSeconds / run.seconds;
    notes.push(
      `${run.orders.toLocaleString('en-US')} orders below 90 % of the bound: database writes took ${fmt(100 * dbShare, 0)} % of the sync (${fmt(run.upsertSeconds)} s for ${run.records.toLocaleString('en-US')} records) and requests were in flight ${fmt((100 * run.httpBusySeconds) / run.seconds, 0)} % of it. ` +
        (dbShare > 0.4
          ? 'FerretDB 1.24 on SQLite dominates (each insertMany is a SQLite transaction on a loaded 2-core box); a real MongoDB inserts these batches in milliseconds. Overlapping the next page wave with the upsert of the previous one would hide the rest.'
          : 'The activity fetches a wave of 3 pages, then writes them, so HTTP and DB time add up; overlapping the next wave with the previous upsert, and less scheduling overhead per activity (30 pages each), would approach the bound.'),
    );
  }
  if (!(large.peakMb <= 256))
    notes.push(
      `Worker peak RSS above 256 MB: the idle worker alone is ${fmt(large.idleMb, 0)} MB here (Node + the tsx transpiler loaded in-process + the Temporal core + the workflow bundle in its V8 context). Running compiled JavaScript instead of tsx, a smaller workflow cache (maxCachedWorkflows) and a capped heap (--max-old-space-size, so V8 collects instead of growing) would bring it under; the sync itself holds one wave of 3 pages (300 records) at a time.`,
    );
  if (!(growth <= 1.25))
    notes.push(
      'Worker peak RSS grows with the shop size beyond 1.25×: the activity keeps only one wave of pages, so the growth is V8 growing its heap lazily under a write-heavy load or retained objects; a capped heap (--max-old-space-size) shows which (it would then stay flat or fail).',
    );
  return { id: 'initial-sync', title: '3. Initial sync', setup, rows, notes };
}
