// 5. Fleet: many shops installed through the callback: install throughput, shop-workflow history length in
// steady state, worker memory (worker in a child process), and how evenly the daily reconciliations spread
// over the hours of the day: the slots claimed at install (issue 18.4) at 100, 1,000 and 10,000 shops,
// against the token hash they replaced and uniform random slots.
import { installWorkflowId, shopWorkflowId } from '../src/temporal/workflow-ids.js';
import { connectDatabase } from '../src/db/connection.js';
import { reconcileSlots } from '../src/db/reconcile-slots.js';
import { slotFraction } from '../src/shops/reconcile-slot-order.js';
import { reconcileTimeOfDayMs } from '../workflows/lib/shop-offset.js';
import { startBenchApp } from './lib/app.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { pendingActivities, profileActivities } from './lib/activity-profile.js';
import { formatCpu, startCpuPhase } from './lib/cpu.js';
import { formatCommandProfile, profileCommands, recordCommands } from './lib/command-profile.js';
import { fmt, mean, pool, sleep, until } from './lib/stats.js';
import type { BenchContext } from './lib/context.js';
import type { BenchResult, Row } from './lib/report.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** max over mean of shops per hour of the day. */
export function hourlySpread(timesOfDayMs: number[]): number {
  const buckets = new Array<number>(24).fill(0);
  for (const t of timesOfDayMs) buckets[Math.floor(t / HOUR_MS) % 24]!++;
  return Math.max(...buckets) / (timesOfDayMs.length / 24);
}

/** The same statistic for uniformly random slots (mean over trials): what any random-like assignment gets. */
function randomSpread(n: number, trials = 200): number {
  const out: number[] = [];
  for (let t = 0; t < trials; t++) out.push(hourlySpread(Array.from({ length: n }, () => Math.random() * 24 * HOUR_MS)));
  return mean(out);
}

/** The bound an integer split of n shops over 24 hours can reach, and the 1.10 target above it. */
const spreadTarget = (n: number) => Math.max(1.1, Math.ceil(n / 24) / (n / 24));

function spreadRow(what: string, n: number, spread: number, baselines: string[]): Row {
  return {
    metric: `reconcile spread, max/mean shops per hour: ${what}`,
    target: `≤ ${fmt(spreadTarget(n), 2)}${spreadTarget(n) > 1.1 ? ' (integer bound; 1.10 impossible)' : ''}`,
    measured: fmt(spread, 3),
    baseline: baselines.join('; '),
    pass: spread <= spreadTarget(n) + 1e-9,
  };
}

/** n shops claim slots through the real store on the bench's FerretDB (a database of their own). */
async function claimFleet(ctx: BenchContext, n: number) {
  const { config } = ctx.services.setup(`slots${n}`);
  const db = await connectDatabase(config.mongodbUri);
  try {
    const slots = reconcileSlots(db.connection);
    const tokens = Array.from({ length: n }, (_, i) => `slot-${n}-${i.toString(36)}-${(i * 2654435761) % 1000003}`);
    const started = performance.now();
    const fractions = await pool(tokens, 10, async (t) => (await slots.claim(t)).fraction);
    const claimsPerSecond = n / ((performance.now() - started) / 1000);
    ctx.log(`  ${n} reconcile slots claimed at ${fmt(claimsPerSecond, 0)}/s`);
    return {
      n,
      claimsPerSecond,
      spread: hourlySpread(fractions.map((f) => f * DAY_MS)),
      hashSpread: hourlySpread(tokens.map(reconcileTimeOfDayMs)),
      random: randomSpread(n, 50),
    };
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
  }
}

export async function fleet(ctx: BenchContext): Promise<Omit<BenchResult, 'durationMs'>> {
  // BENCH_FLEET_SHOPS: another size for one run (e.g. to find where the fleet stops scaling).
  const shops = Number(process.env.BENCH_FLEET_SHOPS) || (ctx.full ? 10_000 : 1_000);
  const concurrency = 10;
  const waitCapMs = ctx.full ? 3_600_000 : Math.min(Math.max(240_000, shops * 2_000), 420_000);
  const serial = 5;
  const bench = await startBenchApp(ctx.services, 'fleet', { role: 'api', env: { ADDON_PROFILE: 'expedition' }, monitorCommands: true });
  // The API's own database commands (install callbacks: signature, shop, account writes), beside the worker's.
  const apiCommands = recordCommands(bench.app.db.connection.getClient());
  const setup = [
    `${shops} shops (--full: 10,000; BENCH_FLEET_SHOPS sets another size) installed through the signed install callback, ${concurrency} callbacks in flight; tiny shops (5 orders) so the fleet, not the data, is measured`,
    `the wait for live ends after ${fmt(waitCapMs / 1000, 0)} s (quick mode): what is not live then is reported with what the running workflows wait for (pending activities of a sample)`,
    `baseline for throughput: ${serial} installs one after another in the same run, before the fleet`,
    'API and sandbox in this process, worker in a child process (RSS from /proc); history length from describe() of up to 100 shop workflows once all are live',
  ];
  const rows: Row[] = [];
  const notes: string[] = [];
  const worker = await startWorkerProcess(bench.env, ctx.services.worker, ctx.services.logFile('fleet-worker'));
  try {
    await sleep(500);
    const idleMb = worker.memory().rssMb;
    worker.resetPeak();
    const tokens = Array.from({ length: shops + serial }, (_, i) => `fleet-${i.toString(36)}-${(i * 2654435761) % 1000003}`);
    for (const token of tokens)
      bench.sandbox.createShop({ token, seed: 1, orders: 5, products: 5, customers: 5, categories: 3, grantedAccesses: 'all' });
    let failures = 0;
    // What the refused installs answered (status and message, counted), so a failure names its cause.
    const refusals = new Map<string, number>();
    const install = async (token: string) => {
      const result = await bench.sandbox.lifecycle.install(token, { addonUrl: bench.addonUrl });
      if (!(result.status === 200 && (result.body as { error?: boolean })?.error === false)) {
        failures++;
        const answer = `${result.status} ${JSON.stringify(result.body).slice(0, 160)} after ${Math.round(result.durationMs)} ms`;
        const key = answer.replace(/after \d+ ms/, `after ~${Math.round(result.durationMs / 500) / 2} s`);
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
      }
      return result.durationMs;
    };
    const serialStarted = performance.now();
    for (const token of tokens.slice(0, serial)) await install(token);
    const serialRate = serial / ((performance.now() - serialStarted) / 1000);
    const fleetTokens = tokens.slice(serial);
    // Who had the cores from the first fleet install until every shop was live (or the wait ended).
    const fleetCpu = startCpuPhase({
      worker: worker.pid,
      temporal: ctx.services.temporal.process.child.pid,
      ferretdb: ctx.services.ferret.process.child.pid,
    });
    worker.resetCounters();
    const startedAt = Date.now();
    const started = performance.now();
    await pool(fleetTokens, concurrency, install);
    const answeredSeconds = (performance.now() - started) / 1000;
    ctx.log(`  ${shops} installs answered in ${fmt(answeredSeconds)} s`);
    // Shops by phase (a failed state query counted as such), so "not live" says where the shops are.
    let phases = new Map<string, number>();
    const notLive = async () => {
      const seen = await pool(tokens, 20, async (t) => {
        const state = await bench.state(t).catch((e: Error) => ({
          phase: /not found/i.test(e.message) ? 'no shop workflow yet (install running or refused)' : `query failed (${e.name})`,
        }));
        return state?.phase ?? 'no state';
      });
      phases = new Map();
      for (const phase of seen) phases.set(phase, (phases.get(phase) ?? 0) + 1);
      return seen.filter((p) => p !== 'live').length;
    };
    // Bounded wait: a shop not live in time is reported, not fatal. While waiting, one visibility count of the
    // live shop workflows (the SyncPhase search attribute) every 2 s: a state query per shop costs the worker a
    // query task each, which at 1,000 shops was load of the bench's own; the per-shop breakdown runs once at the end.
    const liveCount = () =>
      bench.app.temporal.workflow
        .count(`WorkflowType = 'shopSyncWorkflow' AND SyncPhase = 'live' AND ExecutionStatus = 'Running'`)
        .then((c) => c.count)
        .catch(() => 0);
    const remaining = await until(
      'every shop live',
      async () => ((await liveCount()) >= tokens.length && (await notLive()) === 0 ? 0 : undefined),
      waitCapMs,
      2_000,
    ).catch(() => notLive());
    const liveSeconds = (performance.now() - started) / 1000;
    const liveShops = tokens.length - remaining;
    // Not all live: what the running install and shop workflows wait for, from their pending activities.
    const waiting =
      remaining === 0
        ? undefined
        : await pendingActivities(
            bench.app.temporal,
            `ExecutionStatus = 'Running' AND (WorkflowType = 'installWorkflow' OR WorkflowType = 'shopSyncWorkflow')`,
            300,
          );
    const fleetCores = fleetCpu();
    // The worker's database commands in the same window: what its activities waited for.
    const commandProfile = profileCommands(
      (await worker.timing()).commands.filter((c) => c.at >= startedAt),
      Date.now() - startedAt,
    );
    ctx.log(`  worker database commands: ${formatCommandProfile(commandProfile)}`);
    const apiCommandProfile = profileCommands(apiCommands.since(startedAt), Date.now() - startedAt);
    ctx.log(`  API database commands: ${formatCommandProfile(apiCommandProfile)}`);
    await sleep(3_000);
    const sample = fleetTokens.filter((_, i) => i % Math.max(1, Math.floor(shops / 100)) === 0).slice(0, 100);
    // A shop whose install was refused (the owner was asked to activate again) has no shop workflow: not sampled.
    const histories = (
      await pool(sample, 10, async (t) =>
        bench.app.temporal.workflow
          .getHandle(shopWorkflowId(t))
          .describe()
          .then((d) => d.historyLength)
          .catch(() => null),
      )
    ).filter((h): h is number => h !== null);
    // Where the install and shop workflows' time went (a sample): waiting for a worker vs running.
    const profiled = sample.slice(0, 30);
    const profile = await profileActivities(bench.app.temporal, [...profiled.map(installWorkflowId), ...profiled.map(shopWorkflowId)]);
    const memory = worker.memory();
    // The fleet's worker stops here: with shops not live it would keep FerretDB busy and slow the claims below.
    await worker.stop();
    // Issue 18.4: the slots the installs claimed (real install path), against the token hash they replaced.
    const claimed = await bench.app.db.connection
      .collection<{ _id: number; shopToken: string }>('reconcile_slots')
      .find({ shopToken: { $in: tokens } })
      .toArray();
    const spread = hourlySpread(claimed.map((c) => slotFraction(c._id) * DAY_MS));
    const hashSpread = hourlySpread(tokens.map(reconcileTimeOfDayMs));
    const random = randomSpread(tokens.length);
    // Larger fleets through the same claim code and database (no install callback, 10 claims in flight).
    const larger = [];
    for (const n of [1_000, 10_000]) larger.push(await claimFleet(ctx, n));

    const throughput = shops / answeredSeconds;
    rows.push(
      {
        metric: 'install throughput (answered)',
        target: `> serial rate (concurrency helps)`,
        measured: `${fmt(throughput, 2)} installs/s (${fmt(throughput / serialRate, 2)}×), ${failures} failed`,
        baseline: `${fmt(serialRate, 2)} installs/s one at a time`,
        pass: throughput > serialRate && failures === 0,
      },
      {
        metric: 'all shops live (install + webhooks + initial sync)',
        target: 'info',
        measured:
          remaining === 0
            ? `${fmt(liveSeconds)} s (${fmt(shops / liveSeconds, 2)} shops/s)`
            : `${liveShops} of ${tokens.length} live after ${fmt(liveSeconds)} s (${fmt(liveShops / liveSeconds, 2)} shops/s), ${remaining} not`,
        baseline: 'n/a',
        pass: null,
      },
      {
        metric: 'cores busy from the first install until live',
        target: 'info',
        measured: formatCpu(fleetCores).replace('app + load generator', 'API + sandbox'),
        baseline: '2 cores in the box',
        pass: null,
      },
      {
        metric: 'shop workflow history length, steady state',
        target: 'info (bounded by continue-as-new)',
        measured: `mean ${fmt(mean(histories), 0)}, max ${Math.max(...histories)} events (${histories.length} sampled)`,
        baseline: 'n/a',
        pass: null,
      },
      {
        metric:
          remaining === 0
            ? `worker RSS with ${shops + serial} live shops`
            : `worker RSS with ${shops + serial} shops installed (${liveShops} live)`,
        target: 'info',
        measured: `${fmt(memory.rssMb, 0)} MB now, peak ${fmt(memory.peakMb, 0)} MB (+${fmt(((memory.peakMb - idleMb) * 1024) / (shops + serial), 0)} KB per shop)`,
        baseline: `idle worker ${fmt(idleMb, 0)} MB`,
        pass: null,
      },
      spreadRow(`${claimed.length} of ${tokens.length} installed shops (slots claimed by the install)`, claimed.length, spread, [
        `token hash ${fmt(hashSpread, 2)}`,
        `uniform random ${fmt(random, 2)} (mean of 200 draws)`,
      ]),
      ...larger.map((r) =>
        spreadRow(`${r.n} shops claimed through the store (${fmt(r.claimsPerSecond, 0)} claims/s, 10 in flight)`, r.n, r.spread, [
          `token hash ${fmt(r.hashSpread, 2)}`,
          `uniform random ${fmt(r.random, 2)}`,
        ]),
      ),
    );
    if (profile.length)
      notes.push(
        `Activity time of ${profiled.length} sampled shops (install and shop workflow histories), by type: ${profile
          .slice(0, 8)
          .map((a) => `${a.type} ×${a.count}: waited for a worker mean ${fmt(mean(a.waitMs), 0)} ms, ran mean ${fmt(mean(a.runMs), 0)} ms`)
          .join('; ')}.`,
      );
    notes.push(
      `The worker's database commands from the first fleet install until live (driver command monitoring, duration from send to reply): ${formatCommandProfile(commandProfile)}.`,
      `The API's database commands in the same window (install callbacks, the webhook shop cache's poll): ${formatCommandProfile(apiCommandProfile)}.`,
    );
    if (refusals.size) notes.push(`Refused installs, by answer: ${[...refusals].map(([answer, n]) => `${n} × ${answer}`).join('; ')}.`);
    if (remaining !== 0) notes.push(`Shops by phase at the end of the wait: ${[...phases].map(([p, n]) => `${p} ${n}`).join(', ')}.`);
    if (waiting)
      notes.push(
        `What ${waiting.workflows} running install and shop workflows waited for at the end of the wait (pending activities by type and state): ${[
          ...waiting.byTypeAndState,
        ]
          .sort((a, b) => b[1] - a[1])
          .map(([key, n]) => `${key} ${n}`)
          .join(', ')}.`,
      );
    notes.push(
      `Reconcile slots (issue 18.4): each install claims the lowest free position of a fixed order that deals hours round-robin, so hours differ by at most one shop; the best any split can do is ceil(n/24)/(n/24), which is above 1.10 below 240 shops (${tokens.length} shops: ${fmt(Math.ceil(tokens.length / 24) / (tokens.length / 24), 2)}). Shops installed before the change keep their hash slot.`,
    );
    if (!(throughput > serialRate))
      notes.push(
        'Concurrent installs are no faster than serial ones: the Temporal dev server (one SQLite file) and FerretDB serialise the writes on this box.',
      );
  } finally {
    await worker.stop();
    await bench.stop();
  }
  return { id: 'fleet', title: '5. Fleet', setup, rows, notes };
}
