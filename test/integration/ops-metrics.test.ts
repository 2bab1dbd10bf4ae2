// The dashboard and the alert rules under ops/ read only metrics that /metrics really serves, and the fleet
// gauges they alert on report what is in the database (a stuck install shows up), not a constant.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { sharedBundle } from '../helpers/e2e-env.js';
import { metricNamesIn } from '../helpers/promql-metric-names.js';
import { testConfig } from '../helpers/test-config.js';

interface AlertFile {
  groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
}
interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

const alerts = parse(readFileSync('ops/prometheus/alerts.yml', 'utf8')) as AlertFile;
const dashboard = JSON.parse(readFileSync('ops/grafana/upgates-addon.json', 'utf8')) as Dashboard;
const expressions = [
  ...alerts.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
];

const sampleValue = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('ops/ dashboard and alert rules', () => {
  let runtime: Runtime;
  let metricsText: string;
  beforeAll(async () => {
    runtime = await startRuntime(testConfig('ops_metrics'), { role: 'both', workflowBundle: await sharedBundle() });
    // A shop that has been "installing" for an hour: the stuck-install alert must see it.
    await runtime.db.connection.collection('shops').insertOne({
      token: 'ops-stuck-shop',
      status: 'installing',
      profile: 'expedition',
      version: 1,
      webhookKeyHash: 'ops-stuck-hash',
      webhookKeyNonce: 'n',
      createdAt: new Date(Date.now() - 3_600_000),
      updatedAt: new Date(Date.now() - 3_600_000),
    });
    await fetch(`${runtime.url}/healthz`);
    metricsText = await (await fetch(`${runtime.url}/metrics`)).text();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('finds the metric names in every expression (the extractor is not vacuous)', () => {
    expect(expressions.length).toBeGreaterThanOrEqual(20);
    for (const { where, expr } of expressions) expect(metricNamesIn(expr).length, where).toBeGreaterThan(0);
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{route="/x"}[5m])))')).toEqual([
      'http_request_duration_seconds',
    ]);
  });

  it('every metric the dashboard and the alerts reference is declared at /metrics', () => {
    const declared = new Set([...metricsText.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const missing = expressions.flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((n) => !declared.has(n))
        .map((n) => `${n} (${where})`),
    );
    expect(missing).toEqual([]);
  });

  it('reports fleet gauges from the database and Temporal', () => {
    expect(sampleValue(metricsText, 'addon_shops_stuck_installing')).toBe(1);
    expect(sampleValue(metricsText, 'addon_shops{status="installing"}')).toBe(1);
    expect(sampleValue(metricsText, 'upgates_daily_monitor_limit')).toBe(60_000);
    // The dev server answered describeTaskQueue: a backlog count, not the -1 of "Temporal unreachable".
    expect(sampleValue(metricsText, 'temporal_task_queue_backlog{type="workflow"}')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(metricsText, 'http_requests_total{method="GET",route="/healthz",status="200"}')).toBeGreaterThanOrEqual(1);
  });
});
