// Install end to end: sandbox over HTTP -> signed callback -> update-with-start -> owner, account, webhooks
// -> initial sync by the shop workflow. Real Temporal dev server and FerretDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { getProfile } from '../../src/profiles/index.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { slotFraction } from '../../src/shops/reconcile-slot-order.js';

describe('install callback', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('install');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function waitLive(token: string) {
    return eventually(
      `shop ${token} live`,
      async () => {
        const state = await e2e.app.temporal.workflow.getHandle(shopWorkflowId(token)).query(shopStateQuery);
        return state.phase === 'live' ? state : undefined;
      },
      90_000,
    );
  }

  it('answers {"error": false} well under 5 s, creates the account, registers webhooks once and mirrors the shop', async () => {
    const shop: SandboxShop = e2e.sandbox.createShop({
      token: 'shop-install-1',
      seed: 1,
      orders: 250,
      ordersSpreadDays: 30,
      grantedAccesses: 'all',
    });
    const result = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, language: 'cs' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ error: false, message: '' });
    expect(result.durationMs).toBeLessThan(5_000);
    console.log(`install answered in ${result.durationMs} ms`);

    const account = await e2e.app.db.models.Account.findOne({ shopTokens: shop.token }).lean();
    expect(account).not.toBeNull();
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(JSON.stringify(stored)).not.toContain(shop.credentials!.apiKey); // encrypted at rest

    const state = await waitLive(shop.token);
    // The sandbox shop reports Upgates version "0", which no UPGATES_VERSIONS entry maps: the first manifest.
    const profile = getProfile('expedition', 1);
    expect(stored).toMatchObject({ version: 1, upgatesVersion: '0' });
    const events = shop.webhooks.map((w) => w.event).sort();
    expect(events).toEqual([...profile.webhookEvents].sort()); // each exactly once
    for (const resource of ['orders', 'orderStatuses', 'shipments', 'payments', 'languages'] as const) {
      const diff = await diffMirror(e2e.app.db, shop, resource);
      expect({ resource, missing: diff.missing.length, extra: diff.extra.length, stale: diff.stale.length }).toEqual({
        resource,
        missing: 0,
        extra: 0,
        stale: 0,
      });
      expect(diff.checked).toBeGreaterThan(0);
    }
    expect(state.initialSync?.counts.orders).toBe(shop.data.orders.length);

    // Issue 18.4: the shop holds a claimed reconciliation slot and the workflow reconciles at it (not at the hash).
    const slot = await e2e.app.db.connection.collection('reconcile_slots').findOne({ shopToken: shop.token });
    expect(slot).not.toBeNull();
    const dayMs = 86_400_000;
    expect(Date.parse(state.nextReconcileAt) % dayMs).toBe(Math.floor(slotFraction(slot!._id as unknown as number) * dayMs));
  });

  it('three concurrent install callbacks and a repeat after completion: one account, no duplicate webhook, newest credentials', async () => {
    const shop = e2e.sandbox.createShop({ token: 'shop-install-dup', seed: 2, orders: 40, grantedAccesses: 'all' });
    // A duplicate callback repeats the same activation (same credentials); new credentials are the repeat below.
    const results = await e2e.sandbox.lifecycle.repeat('install', shop.token, { addonUrl: e2e.addonUrl, reuseCredentials: true } as never, {
      times: 3,
      concurrent: true,
    });
    for (const r of results) expect(r.body).toMatchObject({ error: false });
    await waitLive(shop.token);
    const again = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl });
    expect(again.body).toMatchObject({ error: false });
    expect(await e2e.app.db.models.Account.countDocuments({ shopTokens: shop.token })).toBe(1);
    const events = shop.webhooks.map((w) => w.event);
    expect(new Set(events).size).toBe(events.length);
    // The stored credentials are the newest ones: a sync now through the app works against them.
    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    const { createCredentialsCipher } = await import('../../src/security/credentials-cipher.js');
    const creds = createCredentialsCipher(e2e.app.config.appSecret).decrypt(stored!.credentials as never, shop.token);
    expect(creds.apiKey).toBe(shop.credentials!.apiKey);
  });

  it('wrong credentials: {"error": true} with a message the shop owner can act on', async () => {
    const shop = e2e.sandbox.createShop({ token: 'shop-install-bad', seed: 3, orders: 5, grantedAccesses: 'all' });
    const time = new Date().toISOString();
    const body = {
      token: shop.token,
      version: 2,
      apiUser: 'nobody',
      apiKey: 'wrong-key-123',
      apiUrl: `${e2e.sandbox.url}/api/v2`,
      current_admin_language: 'cs',
      time,
    };
    const signature_v2 = e2e.sandbox.lifecycle.sign([body.token, body.apiUser, body.apiKey, body.apiUrl, time, e2e.sandbox.signatureToken]);
    const started = Date.now();
    const res = await fetch(`${e2e.addonUrl}/upgates/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, signature_v2 }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { error: boolean; message: string };
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.error).toBe(true);
    expect(answer.message).toMatch(/deactivate the add-on and activate it again/);
    // The answer goes out as soon as the owner read fails; the workflow records the failure right after.
    await eventually(
      'install marked failed',
      async () => (await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())?.status === 'failed',
    );
  });
});
