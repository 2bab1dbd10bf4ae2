// Property-based fuzzing of every public route with malformed, oversized, wrongly typed and wrongly encoded
// bodies (fast-check). Two layers:
// - unauthenticated: every route with its own method, no credentials. Never a 5xx, never a workflow started,
//   never a record changed (workflows of the test's task queue and documents compared before and after).
// - authenticated: the same bodies where they are checked after the credentials: /app/settings with a valid
//   session, the vendor stock route with a valid token, and lifecycle callbacks signed with the sandbox's
//   key (fuzzed `time` past the signature check; fuzzed tokens, versions and languages past the time check
//   too). Each answer is checked to come from beyond the credential check (its status or message), so a
//   rejection at the door cannot pass for validation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';
import { backSyncItemSchemas } from '../../activities/back-sync.js';
import { recordChaosRow } from './chaos-table.js';

const RUNS = Number(process.env.CHAOS_LONG ? 2000 : 300);
const AUTH_RUNS = Number(process.env.CHAOS_LONG ? 1000 : 120);
const DAY_MS = 86_400_000;

describe('fuzzing the public routes', () => {
  let e2e: E2E;
  let webhookPath = '';
  let apiKey = '';
  let apiUser = '';
  beforeAll(async () => {
    e2e = await startE2E('fuzz');
    const shop = e2e.sandbox.createShop({ token: 'fuzz-shop', seed: 5, orders: 20, grantedAccesses: 'all' });
    await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    await eventually('webhooks registered', () => shop.webhooks.length > 0 || undefined);
    webhookPath = new URL(shop.webhooks[0]!.url).pathname;
    apiKey = shop.credentials!.apiKey;
    apiUser = shop.credentials!.apiUser;
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
    const routes: Array<[method: string, path: string]> = [
      ['POST', '/upgates/install'],
      ['POST', '/upgates/open'],
      ['POST', '/upgates/uninstall'],
      ['POST', '/upgates/version'],
      ['POST', webhookPath],
      ['POST', '/upgates/webhooks/unknown-key'],
      ['POST', '/app/settings'],
      ['PUT', '/api/vendor/shops/fuzz-shop/stock'],
    ];
    let requests = 0;
    let serverErrors = 0;
    let leaked = 0;
    for (const [method, route] of routes) {
      await fc.assert(
        fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
          const res = await fetch(`${e2e.addonUrl}${route}`, {
            method,
            headers: contentType ? { 'content-type': contentType } : {},
            body,
          });
          const text = await res.text();
          requests++;
          if (res.status >= 500) serverErrors++;
          if (text.includes(apiKey)) leaked++;
          // A well-formed JSON delivery of a shape we do not know is acknowledged (200: a 400 would make Upgates
          // retry for 12 h and deactivate the webhook); the snapshot below still proves it changed nothing.
          if (route === webhookPath && res.status === 200) return true;
          return res.status < 500 && res.status >= 400;
        }),
        { numRuns: RUNS },
      );
    }
    const after = await snapshot();
    recordChaosRow({
      scenario: 'fuzzed bodies on every public route, without credentials',
      tries: requests,
      recordsLost: null,
      duplicates: null,
      serverErrors,
      secretsFound: leaked,
      note: `${after.workflows - before.workflows} workflows started, ${after.records - before.records} records changed`,
    });
    expect(serverErrors).toBe(0);
    expect(leaked).toBe(0);
    expect(after).toEqual(before);
  });
  it(`behind a valid session, vendor token and signature: never 5xx, never a change (${AUTH_RUNS} bodies per layer)`, async () => {
    const before = await snapshot();
    const shopSettings = async () => JSON.stringify((await e2e.app.db.models.Shop.findOne({ token: 'fuzz-shop' }).lean())?.settings);
    // What the settings must be: updated only by an accepted (2xx) body, so a refused one must leave them alone.
    let settingsExpected = await shopSettings();
    let requests = 0;
    let serverErrors = 0;
    let leaked = 0;
    const send = async (method: string, path: string, body: string, headers: Record<string, string>) => {
      const res = await fetch(`${e2e.addonUrl}${path}`, { method, headers, body });
      const text = await res.text();
      requests++;
      if (res.status >= 500) serverErrors++;
      if (text.includes(apiKey)) leaked++;
      let message = '';
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
      } catch {
        // not JSON (the settings form answers HTML to a plain post)
      }
      return { status: res.status, message };
    };

    // /app/settings with a valid session: past the session check (no 401/403), 4xx leaves the settings alone.
    const opened = await e2e.sandbox.lifecycle.open('fuzz-shop', { addonUrl: e2e.addonUrl, language: 'en' });
    const session = new URL((opened.body as { url: string }).url).searchParams.get('session')!;
    expect(session.length).toBeGreaterThan(20);
    const settingsBodies = fc.oneof(
      bodies,
      fc
        .dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }))
        .map((fields) => new URLSearchParams({ ...fields, 'carrierPairing[1]': 'teleport' }).toString()),
      fc.record({ settings: fc.anything() }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(settingsBodies, contentTypes, async (body, contentType) => {
        const res = await send('POST', '/app/settings', body, {
          authorization: `Bearer ${session}`,
          accept: 'application/json',
          ...(contentType ? { 'content-type': contentType } : {}),
        });
        const settingsNow = await shopSettings();
        if (res.status < 400) settingsExpected = settingsNow;
        const settingsKept = settingsNow === settingsExpected;
        if (res.status >= 500 || res.status === 401 || res.status === 403 || !settingsKept)
          throw new Error(`settings answered ${res.status} "${res.message}", settings ${settingsKept ? 'kept' : 'changed'}`);
        return true;
      }),
      // Found by this property once (seed 1041048864): kept as a fixed example.
      {
        numRuns: AUTH_RUNS,
        examples: [
          ['{"settings":[]}', 'application/json'],
          // CI seed -1985946817: a 400 after an earlier accepted body had saved settings (the baseline was the start).
          ['{"settings":{}}', 'application/json'],
        ],
      },
    );

    // Vendor stock with the right method and a valid token: past the auth and the route (no 401/403/404/405);
    // items shaped like stock lines but invalid by the back-sync schema must be refused, not written.
    const invalidStockItem = fc
      .record({ code: fc.anything(), stock: fc.anything(), variants: fc.anything() }, { requiredKeys: ['code', 'stock'] })
      .filter((item) => !backSyncItemSchemas.stock.safeParse(item).success);
    const stockBodies = fc.oneof(
      bodies,
      fc.array(invalidStockItem, { minLength: 1, maxLength: 5 }).map((items) => JSON.stringify({ items })),
      fc.array(fc.anything(), { minLength: 1, maxLength: 5 }).map((items) => JSON.stringify({ items, extra: 1 })),
    );
    const vendorHeaders = { authorization: `Bearer ${e2e.app.config.vendorApiToken}`, 'content-type': 'application/json' };
    await fc.assert(
      fc.asyncProperty(stockBodies, async (body) => {
        const res = await send('PUT', '/api/vendor/shops/fuzz-shop/stock', body, vendorHeaders);
        return res.status >= 400 && res.status < 500 && ![401, 403, 404, 405].includes(res.status);
      }),
      { numRuns: AUTH_RUNS },
    );

    // Lifecycle callbacks of the installed shop signed with the sandbox's key, with a fuzzed `time` at least
    // three days off (the window is 24 h by default): past the signature, refused by the time check, so the
    // shop is neither uninstalled nor changed.
    const sign = (token: string, time: string) => e2e.sandbox.lifecycle.sign([token, time, e2e.sandbox.signatureToken]);
    const farTime = fc.oneof(
      fc.string({ minLength: 1, maxLength: 64 }).filter((t) => !t.includes(';')),
      fc
        .date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true })
        .filter((d) => Math.abs(d.getTime() - Date.now()) > 3 * DAY_MS)
        .chain((d) =>
          fc.constantFrom(
            d.toISOString(),
            d.toISOString().replace('Z', '+01:00'),
            d.toISOString().slice(0, 19).replace('T', ' '),
            String(Math.floor(d.getTime() / 1000)),
          ),
        ),
    );
    for (const callback of ['open', 'uninstall', 'version'] as const) {
      await fc.assert(
        fc.asyncProperty(farTime, async (time) => {
          const body = { token: 'fuzz-shop', version: 1, time, signature_v2: sign('fuzz-shop', time) };
          const res = await send('POST', `/upgates/${callback}`, JSON.stringify(body), { 'content-type': 'application/json' });
          return res.status === 401 && res.message.startsWith('Signature time');
        }),
        { numRuns: AUTH_RUNS },
      );
    }
    await fc.assert(
      fc.asyncProperty(farTime, async (time) => {
        const apiUrl = `${e2e.sandbox.url}/api/v2`;
        const body = { token: 'fuzz-shop', apiUser, apiKey, apiUrl, time };
        const signature_v2 = e2e.sandbox.lifecycle.sign(['fuzz-shop', apiUser, apiKey, apiUrl, time, e2e.sandbox.signatureToken]);
        const res = await send('POST', '/upgates/install', JSON.stringify({ ...body, signature_v2 }), {
          'content-type': 'application/json',
        });
        return res.status === 401 && res.message.startsWith('Signature time');
      }),
      { numRuns: AUTH_RUNS },
    );

    // Signed with a current time, so past every check of the callback: tokens of shops that never installed,
    // with fuzzed versions and languages. Nothing may be started or stored; open and version answer 404.
    const unknownToken = fc
      .string({ minLength: 1, maxLength: 200 })
      .filter((t) => !t.includes(';') && t !== 'fuzz-shop')
      .map((t) => `fuzz-unknown-${t}`);
    const fuzzedFields = fc.record({
      version: fc.oneof(fc.anything(), fc.nat(), fc.stringMatching(/^[\w.-]{0,64}$/)),
      current_admin_language: fc.oneof(fc.anything(), fc.stringMatching(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})?$/)),
    });
    let pastTheSignature = 0;
    for (const callback of ['open', 'uninstall', 'version'] as const) {
      await fc.assert(
        fc.asyncProperty(unknownToken, fuzzedFields, async (token, fields) => {
          const time = new Date().toISOString();
          const body = { ...fields, token, time, signature_v2: sign(token, time) };
          const res = await send('POST', `/upgates/${callback}`, JSON.stringify(body), { 'content-type': 'application/json' });
          if (res.status === 401) return false; // a valid signature and time must not be refused
          if (res.status !== 400) pastTheSignature++;
          return res.status < 500 && (res.status === 400 || (callback === 'uninstall' ? res.status === 200 : res.status === 404));
        }),
        { numRuns: AUTH_RUNS },
      );
    }
    // Most of them got past validation as well (a property that only ever saw 400s would prove little).
    expect(pastTheSignature).toBeGreaterThan(AUTH_RUNS);

    const after = await snapshot();
    recordChaosRow({
      scenario: 'fuzzed bodies behind a valid session, vendor token and lifecycle signature',
      tries: requests,
      recordsLost: null,
      duplicates: null,
      serverErrors,
      secretsFound: leaked,
      note: `${after.workflows - before.workflows} workflows started, ${after.records - before.records} records changed, settings ${(await shopSettings()) === settingsExpected ? 'changed only by accepted bodies' : 'CHANGED by a refused body'}; ${pastTheSignature} signed bodies past every callback check`,
    });
    expect(serverErrors).toBe(0);
    expect(leaked).toBe(0);
    expect(after).toEqual(before);
    expect(await shopSettings()).toBe(settingsExpected);
  });
});
