// Issue 13.1 end to end: Upgates' own version identifiers map to manifests through UPGATES_VERSIONS; an
// unmapped version change keeps the shop's version and says so (HTTP 200 {"error": true}, a log line, a
// metric and the iframe); `time` passes in either reading (signing time or expiry) and every format.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('version identifiers and the signature time window', () => {
  let e2e: E2E;
  const logLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    e2e = await startE2E('lc_versions', {
      env: { ADDON_PROFILE: 'fulfillment', UPGATES_VERSIONS: '0:1,7:2' },
      logger: pino({ level: 'warn' }, sink),
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('maps Upgates ids to manifests; an unmapped change keeps the version and shows in the answer, logs, metrics and iframe', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-ver-1', seed: 51, orders: 5, grantedAccesses: 'all' });
    const opts = { addonUrl: e2e.addonUrl };
    expect((await e2e.sandbox.lifecycle.install(shop.token, { ...opts, version: 0 })).body).toMatchObject({ error: false });
    await waitShopLive(e2e, shop.token);
    const Shop = e2e.app.db.models.Shop;
    expect(await Shop.findOne({ token: shop.token }).lean()).toMatchObject({ version: 1, upgatesVersion: '0' });

    const before = await metricValue('upgates_unmapped_versions_total', { callback: 'version' });
    const refused = await e2e.sandbox.lifecycle.versionChange(shop.token, { ...opts, version: 'beta-3' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ error: true, message: expect.stringContaining('beta-3') });
    expect(await Shop.findOne({ token: shop.token }).lean()).toMatchObject({ version: 1, versionNotice: { upgatesVersion: 'beta-3' } });
    expect(await metricValue('upgates_unmapped_versions_total', { callback: 'version' })).toBe(before + 1);
    expect(logLines.some((line) => line.includes('beta-3') && line.includes('UPGATES_VERSIONS'))).toBe(true);
    const opened = await e2e.sandbox.lifecycle.open(shop.token, { ...opts, language: 'en' });
    const page = await (await fetch((opened.body as { url: string }).url)).text();
    expect(page).toContain('version &quot;beta-3&quot; is not configured');

    // A mapped id switches: Upgates "7" is manifest 2; the notice goes.
    const changed = await e2e.sandbox.lifecycle.versionChange(shop.token, { ...opts, version: 7 });
    expect(changed.body).toEqual({ error: false, message: '' });
    await eventually('at manifest 2', async () => {
      const state = await e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token)).query(shopStateQuery);
      const doc = await Shop.findOne({ token: shop.token }).lean();
      return state.version === 2 && doc?.version === 2 && doc.upgatesVersion === '7' && doc.versionNotice === null;
    });
  });

  it('an unmapped id at install runs the first manifest, never the newest', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-ver-2', seed: 52, orders: 2, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: '2' })).body).toMatchObject({
      error: false,
    });
    expect(await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean()).toMatchObject({ version: 1, upgatesVersion: '2' });
  });

  it('accepts `time` as a signing time or an expiry, in ISO with offset, Z and Prague wall-clock form', async () => {
    const cases = [
      { timeReading: 'expiry', expirySeconds: 3600, timeFormat: 'iso-offset' },
      { timeReading: 'expiry', expirySeconds: 23 * 3600, timeFormat: 'prague' },
      { timeReading: 'signing', timeFormat: 'iso-z' },
      { timeReading: 'signing', timeFormat: 'prague' },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const shop = e2e.sandbox.createShop({ token: `lc-time-${i}`, seed: 60 + i, orders: 1, grantedAccesses: 'all' });
      const installed = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, ...c });
      expect({ ...c, status: installed.status, body: installed.body }).toMatchObject({ ...c, status: 200, body: { error: false } });
    }
    const offsets = await metricsRegistry.getSingleMetric('upgates_signature_time_offset_seconds')?.get();
    const installCount = offsets?.values.find(
      (v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels.callback === 'install',
    );
    expect(installCount?.value).toBeGreaterThanOrEqual(cases.length);
  });
});
