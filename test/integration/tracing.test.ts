// Tracing (issue 19.2): with an in-memory exporter on the real dev server, FerretDB and the sandbox over HTTP,
// ONE trace leads from a webhook delivery's HTTP request to the flush that fetched its ids: the signal, the
// ShopSyncFlush span, the fetch activity, the Upgates call and the MongoDB write, each a child of the one before.
// Also: tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT, and the recorded histories replay on the traced bundle.
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { freePort } from '../../src/local/free-port.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { tracingWorkerOptions } from '../../src/tracing/temporal.js';
import { startTracing, type Tracing } from '../../src/tracing/tracing.js';
import { createPublicKeySource } from '../../src/upgates/public-key.js';
import { eventually } from '../helpers/e2e-env.js';
import { testConfig } from '../helpers/test-config.js';
import { waitPhase } from '../e2e/shop-sync-helpers.js';

const exporter = new InMemorySpanExporter();
const HISTORIES = join(import.meta.dirname, '../replay/histories');

describe('OpenTelemetry tracing', () => {
  let sandbox: Sandbox;
  let app: Runtime;
  let tracing: Tracing;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    // Off by default: no endpoint, no tracing (checked before this process turns it on for the rest of the file).
    expect(startTracing(testConfig('tracing_off').tracing)).toBeUndefined();
    tracing = startTracing({ spanProcessor: new SimpleSpanProcessor(exporter) })!;
    sandbox = await startSandbox({ timeScale: 0.001 });
    const port = await freePort();
    const config = testConfig('tracing', {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      UPGATES_SIGNATURE_TOKEN: sandbox.signatureToken,
      UPGATES_PUBLIC_KEY_URL: sandbox.publicKeyUrl,
      SYNC_QUIET_SECONDS: '1',
      SYNC_MAX_WAIT_SECONDS: '5',
    });
    bundle = await bundleWorkflows({ tracing: true });
    app = await startRuntime(config, {
      role: 'both',
      workflowBundle: bundle,
      publicKeys: createPublicKeySource({ url: sandbox.publicKeyUrl, minRefreshIntervalMs: 0 }),
      upgatesTimeoutMs: 5_000,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sandbox?.stop();
    await tracing?.shutdown();
  });

  it('one trace links a webhook delivery (HTTP route span) to its flush: workflow, activity, Upgates call and MongoDB write', async () => {
    const shop = sandbox.createShop({ token: 'shop-traced', seed: 7, orders: 20, grantedAccesses: 'all' });
    const install = await sandbox.lifecycle.install(shop.token, { addonUrl: app.url! });
    expect(install.body).toMatchObject({ error: false });
    await waitPhase(app.temporal, shop.token, 'live');
    await sandbox.waitForDeliveriesIdle(30_000);
    await eventually('the initial sync flushed', () => spans().some((s) => s.name === 'RunActivity:noteShopSync'));
    const before = spans().length;
    const fresh = () => spans().slice(before);

    // One change: the sandbox delivers one webhook to the URL the add-on registered; the workflow flushes it.
    const orderNumber = String(shop.data.orders[0]!.order_number);
    expect(shop.updateOrder(orderNumber, { internal_note: 'traced change' }).ok).toBe(true);
    const write = await eventually(
      'the MongoDB write of the flush',
      () => fresh().find((s) => s.name === 'MongoDB upsert synced_records' && s.attributes['upgates.resource'] === 'orders'),
      60_000,
    );

    // Spans are exported when they end: the flush span ends last (after noteShopSync), the HTTP span long before.
    const traceId = write.spanContext().traceId;
    await eventually('the flush span ended', () => fresh().some((s) => s.name === 'ShopSyncFlush' && s.spanContext().traceId === traceId));
    const trace = fresh().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    // Walk parents from the MongoDB write up to the root: every step must be in this one trace.
    const chain: string[] = [];
    for (let span: ReadableSpan | undefined = write; span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined)
      chain.unshift(span.name);
    expect(chain).toEqual([
      'POST /upgates/webhooks/:key',
      'SignalWithStartWorkflow:shopSyncWorkflow',
      'HandleSignal:webhook',
      'ShopSyncFlush',
      'StartActivity:fetchAndUpsert',
      'RunActivity:fetchAndUpsert',
      'MongoDB upsert synced_records',
    ]);
    // The Upgates call is in the same trace, a child of the same activity run.
    const run = trace.find((s) => s.name === 'RunActivity:fetchAndUpsert')!;
    const call = trace.find((s) => s.name.startsWith('Upgates GET /orders'));
    expect(call?.parentSpanId).toBe(run.spanContext().spanId);
    expect(call?.attributes['http.response.status_code']).toBe(200);
    // The flush ends with noteShopSync inside the same span, and links the shop workflow's run: the RunWorkflow span
    // (still open: the shop workflow runs on) whose children are the workflow's other activities, e.g. the initial sync's.
    const flush = trace.find((s) => s.name === 'ShopSyncFlush')!;
    expect(trace.some((s) => s.name === 'StartActivity:noteShopSync' && s.parentSpanId === flush.spanContext().spanId)).toBe(true);
    const runLink = flush.links.find((l) => l.attributes?.['upgates.link'] === 'workflow run');
    expect(runLink).toBeDefined();
    expect(spans().some((s) => s.name === 'StartActivity:syncPages' && s.parentSpanId === runLink!.context.spanId)).toBe(true);
    // No secret or personal value in any span: the shop's API key appears nowhere.
    const apiKey = shop.credentials?.apiKey;
    expect(apiKey).toBeTruthy();
    const everything = JSON.stringify(spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    expect(everything).not.toContain(apiKey);
  });

  it('the recorded histories replay on the traced workflow bundle (a worker with tracing on runs old shops)', async () => {
    const histories = readdirSync(HISTORIES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({
        workflowId: f.replace(/\.json$/, ''),
        history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))),
      }));
    expect(histories.length).toBeGreaterThan(0);
    const failures: string[] = [];
    // The same sinks a traced worker gets (tracingWorkerOptions), so the bundle finds its span exporter.
    const { sinks } = tracingWorkerOptions(tracing);
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, ...(sinks ? { sinks } : {}) }, histories))
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    expect(failures).toEqual([]);
  });
});

const spans = () => exporter.getFinishedSpans();
