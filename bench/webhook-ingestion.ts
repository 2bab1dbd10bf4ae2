// 1. Webhook ingestion: sustained load on POST /upgates/webhooks/:key over many shops, with and without the
// signal coalescer, next to the ceiling: the same number of bare signalWithStart calls at the same concurrency.
// Each request carries one unique order id. "Events lost" is checked id by id: every id that got a 2xx (or a
// successful raw signal) must be in a webhook signal recorded in its shop workflow's history. Totals alone
// (200s minus ids received) would let a lost id hide behind an unanswered delivery that still got through.
import autocannon from 'autocannon';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import type { WebhookBatch } from '../workflows/lib/pending-set.js';
import { startRuntime } from '../src/runtime.js';
import { postWebhook } from '../src/http/routes/postWebhook.js';
import { signalWithStartShop } from '../src/temporal/shop-workflow-client.js';
import { shopWorkflowId } from '../src/temporal/workflow-ids.js';
import { shopStateQuery, webhookSignal } from '../workflows/messages.js';
import { createShopDocs } from './lib/shops.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { fmt, percentile, pool, until } from './lib/stats.js';
import type { BenchContext } from './lib/context.js';
import type { BenchResult, Row } from './lib/report.js';

const DIRECT_PATH = '/bench/direct/webhooks'; // the same route with coalescing off

export async function webhookIngestion(ctx: BenchContext): Promise<Omit<BenchResult, 'durationMs'>> {
  const shops = 50;
  // Upgates opens a connection per delivery, so in-flight requests are bounded by our latency, not by a pool:
  // 100 connections over 50 shops give ~2 concurrent deliveries per shop. (200 pushed the queueing past the
  // client timeout on this box, where the dev server takes ~15 signals/s.)
  const concurrency = 100;
  const rawSeconds = ctx.full ? 30 : 8;
  const rate = 500;
  const rateSeconds = ctx.full ? 30 : 5;
  const { env, config } = ctx.services.setup('ingest', { ADDON_PROFILE: 'expedition' });
  const runtime = await startRuntime(config, {
    role: 'api',
    extraRoutes: [(app: Express, deps) => void app.post(`${DIRECT_PATH}/:key`, ...postWebhook(deps, { coalesce: false }))],
  });
  const setup = [
    `${shops} shops (Shop documents + webhook keys written directly), app role 'api' in this process (no worker during the load, so nothing competes with ingestion; a worker starts afterwards to count the ids)`,
    `each request: one Orders.update with one unique order id; autocannon ${concurrency} connections, loopback`,
    `ceiling: bare client.workflow.signalWithStart calls (one id each) for ${rawSeconds} s, ${concurrency} concurrent, to the same shops' workflow ids; max throughput: the same number of HTTP requests per variant at the same concurrency`,
    `latency at ${rate} req/s: ${rateSeconds} s per variant (autocannon overallRate, coordinated-omission corrected)`,
    'everything (app, autocannon, Temporal dev server on SQLite, FerretDB) shares the 2 cores, so the app and the load generator compete',
  ];
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const tokens = Array.from({ length: shops }, (_, i) => `ingest-shop-${i}`);
    const keys = await createShopDocs(runtime.db, config, tokens);
    const keyList = tokens.map((t) => keys.get(t)!);
    let nextId = 1;
    let accepted = 0;
    /** Every id whose delivery was acknowledged (2xx) or whose raw signal call returned. */
    const acknowledged = new Set<string>();

    // The ceiling: a bare client, one signalWithStart per event.
    const connection = await Connection.connect({ address: config.temporal.address });
    const bare = new Client({ connection, namespace: config.temporal.namespace });
    const rawLatencies: number[] = [];
    const rawStarted = performance.now();
    const rawDeadline = rawStarted + rawSeconds * 1000;
    let rawFailed = 0;
    let rawNext = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < rawDeadline) {
          const i = rawNext++;
          const t0 = performance.now();
          try {
            await signalWithStartShop(bare, config, tokens[i % shops]!, config.profile, webhookSignal, [
              { resource: 'orders', action: 'update', items: [{ id: `raw-${i}`, time: null }] },
            ]);
            accepted++;
            acknowledged.add(`raw-${i}`);
          } catch {
            rawFailed++;
          }
          rawLatencies.push(performance.now() - t0);
        }
      }),
    );
    const calls = rawNext;
    const rawThroughput = calls / ((performance.now() - rawStarted) / 1000);
    await connection.close();
    ctx.log(
      `  raw signalWithStart: ${calls} calls, ${fmt(rawThroughput)}/s, p99 ${fmt(percentile(rawLatencies, 99))} ms, ${rawFailed} failed`,
    );

    const load = async (path: string, opts: { amount?: number; overallRate?: number; duration?: number }) => {
      // One request in flight per connection (no pipelining), so the connection's context names the id of the
      // request being answered.
      const request = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: object, context: Record<string, unknown>) => {
          const id = nextId++;
          context.orderId = `o-${id}`;
          return {
            ...req,
            path: `${path}/${keyList[id % shops]}?event=Orders.update`,
            body: JSON.stringify({
              project_name: 'bench',
              orders: [{ order_number: `o-${id}`, last_update_time: '2025-01-01T10:00:00+01:00' }],
            }),
          };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (status >= 200 && status < 300) acknowledged.add(String(context.orderId));
        },
      };
      const requests: NonNullable<Parameters<typeof autocannon>[0]['requests']> = [request];
      const result = await autocannon({ url: runtime.url!, connections: concurrency, timeout: 30, pipelining: 1, ...opts, requests });
      accepted += result['2xx'];
      return result;
    };

    const variants = [
      { name: 'one signal per request', path: DIRECT_PATH },
      { name: 'coalesced', path: '/upgates/webhooks' },
    ] as const;
    const maxRuns: Record<string, { throughput: number; p50: number; p99: number; errors: number }> = {};
    for (const v of variants) {
      const started = performance.now();
      const r = await load(v.path, { amount: calls });
      const seconds = (performance.now() - started) / 1000;
      maxRuns[v.name] = {
        throughput: r['2xx'] / seconds,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.non2xx + r.errors + r.timeouts,
      };
      ctx.log(`  ${v.name} max: ${fmt(maxRuns[v.name]!.throughput)}/s, p99 ${r.latency.p99} ms, non-2xx/errors ${maxRuns[v.name]!.errors}`);
    }
    const rateRuns: Record<string, { achieved: number; p50: number; p99: number; errors: number }> = {};
    for (const v of variants) {
      const r = await load(v.path, { overallRate: rate, duration: rateSeconds });
      rateRuns[v.name] = {
        achieved: r['2xx'] / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.non2xx + r.errors + r.timeouts,
      };
      ctx.log(`  ${v.name} @${rate}/s: achieved ${fmt(rateRuns[v.name]!.achieved)}/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
    }

    // Count what the workflows received: a worker processes the buffered signals, then each shop answers.
    const worker = await startWorkerProcess(env, ctx.services.bundlePath, ctx.services.logFile('ingestion-worker'));
    let received = 0;
    try {
      const counts = await until(
        'every shop workflow to answer with its event count',
        async () => {
          const all = await pool(
            tokens,
            10,
            async (t) => (await runtime.temporal.workflow.getHandle(shopWorkflowId(t)).query(shopStateQuery)).stats.events,
          );
          const sum = all.reduce((a, b) => a + b, 0);
          return sum >= accepted ? sum : undefined;
        },
        120_000,
        1_000,
      ).catch(async () =>
        (
          await pool(
            tokens,
            10,
            async (t) => (await runtime.temporal.workflow.getHandle(shopWorkflowId(t)).query(shopStateQuery)).stats.events,
          )
        ).reduce((a, b) => a + b, 0),
      );
      received = counts;
    } finally {
      await worker.stop();
    }
    // Id by id: the ids in every webhook signal of every run of each shop workflow (continue-as-new included).
    const recorded = await signalledIds(runtime.temporal, tokens);
    const lostIds = [...acknowledged].filter((id) => !recorded.has(id));
    const lost = lostIds.length;
    ctx.log(
      `  ids: ${acknowledged.size} acknowledged, ${recorded.size} in signal histories, ${lost} acknowledged but missing${lost ? ` (e.g. ${lostIds.slice(0, 5).join(', ')})` : ''}`,
    );

    const direct = maxRuns['one signal per request']!;
    const coalesced = maxRuns['coalesced']!;
    rows.push(
      {
        metric: 'throughput, one signal per request',
        target: '≥ raw ceiling',
        measured: `${fmt(direct.throughput)} req/s`,
        baseline: `${fmt(rawThroughput)} signals/s`,
        pass: direct.throughput >= rawThroughput,
      },
      {
        metric: 'throughput, coalesced',
        target: '≥ raw ceiling',
        measured: `${fmt(coalesced.throughput)} req/s (${fmt(coalesced.throughput / rawThroughput, 2)}×)`,
        baseline: `${fmt(rawThroughput)} signals/s`,
        pass: coalesced.throughput >= rawThroughput,
      },
    );
    for (const v of variants) {
      const r = rateRuns[v.name]!;
      rows.push({
        metric: `p50 / p99 at ${rate} req/s, ${v.name}`,
        target: 'p99 ≤ 50 ms, rate held',
        measured: `${fmt(r.p50)} / ${fmt(r.p99)} ms, ${fmt(r.achieved)} req/s, ${r.errors} non-200`,
        baseline: `raw signalWithStart p50 / p99 ${fmt(percentile(rawLatencies, 50))} / ${fmt(percentile(rawLatencies, 99))} ms (unthrottled)`,
        pass: r.p99 <= 50 && r.achieved >= rate * 0.95 && r.errors === 0,
      });
    }
    rows.push({
      metric: 'events lost (acknowledged ids missing from the shop workflows’ signal histories, checked one by one)',
      target: '0',
      measured: `${lost} of ${acknowledged.size} acknowledged ids (${accepted} 2xx incl. raw; workflows counted ${received} events)`,
      baseline: 'n/a',
      pass: lost === 0,
    });

    if (!(coalesced.throughput >= rawThroughput))
      notes.push(
        'Throughput below the raw ceiling: each request also does a FerretDB lookup of the shop by key hash and an Express/JSON round trip on the same 2 cores as Temporal and the load generator. A cache of key hash -> shop (short TTL) and running the API on its own cores (it scales horizontally) would lift it.',
      );
    if (!(direct.throughput >= rawThroughput))
      notes.push(
        'One signal per request can at best equal the ceiling (it does the same signal plus the HTTP and DB work); that is why the route coalesces concurrent deliveries per shop.',
      );
    for (const v of variants) {
      const r = rateRuns[v.name]!;
      if (!(r.p99 <= 50 && r.achieved >= rate * 0.95 && r.errors === 0))
        notes.push(
          `${v.name} at ${rate} req/s missed p99 ≤ 50 ms: the p99 follows the Temporal dev server's signal latency (single SQLite file, fsync per write) plus CPU contention with the load generator; the raw signal p99 in the same run is the floor. A production Temporal cluster (Cassandra/PostgreSQL, several history shards) and the API on its own cores would reach it.`,
        );
    }
    if (lost > 0)
      notes.push(
        'Events were lost: a 200 was answered for ids that no workflow received. This is a correctness bug; investigate before anything else.',
      );
  } finally {
    await runtime.stop();
  }
  return { id: 'ingestion', title: '1. Webhook ingestion', setup, rows, notes };
}

/** Ids of every webhook signal recorded in the histories of the shops' workflows (all runs). */
async function signalledIds(client: Client, tokens: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  await pool(tokens, 5, async (token) => {
    const workflowId = shopWorkflowId(token);
    for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const signal = event.workflowExecutionSignaledEventAttributes;
        if (signal?.signalName !== webhookSignal.name) continue;
        const data = signal.input?.payloads?.[0]?.data;
        if (!data) continue;
        const batches = JSON.parse(
          (typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data)).toString('utf8'),
        ) as WebhookBatch[];
        for (const batch of batches) for (const item of batch.items) ids.add(item.id);
      }
    }
  });
  return ids;
}
