// Issue 14.6 end to end (sandbox over HTTP, real Temporal dev server, FerretDB): vendor tokens scoped to
// shops, revocation, and Idempotency-Key results that survive a continue-as-new of the shop workflow
// (Temporal's update-id deduplication only holds within one run). Proved by the sandbox's coupon list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { createVendorToken, revokeVendorToken } from '../../src/db/vendor-tokens.js';
import { shopSyncSettings, signalWithStartShop } from '../../src/temporal/shop-workflow-client.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { webhookSignal } from '../../workflows/messages.js';
import { recordChaosRow } from '../chaos/chaos-table.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { waitPhase } from './shop-sync-helpers.js';

describe('vendor tokens and idempotency', () => {
  let e2e: E2E;
  let shopA: SandboxShop;
  let shopB: SandboxShop;

  async function call(token: string, method: string, path: string, body?: unknown, idempotencyKey?: string) {
    const res = await fetch(`${e2e.addonUrl}/api/vendor/shops/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { ok?: boolean; results?: Array<Record<string, unknown>>; message?: string } };
  }

  beforeAll(async () => {
    e2e = await startE2E('vendor_idem', { env: { ADDON_PROFILE: 'emailing', VENDOR_API_TOKEN: 'e2e-vendor-bootstrap-token-0123' } });
    const create = (token: string, seed: number) =>
      e2e.sandbox.createShop({ token, seed, orders: 2, products: 3, customers: 3, categories: 1, languages: ['cs'] });
    shopA = create('shop-vt-a', 21);
    shopB = create('shop-vt-b', 22);
    // Shop A's workflow continues-as-new whenever it is idle with more than a few events of history.
    await signalWithStartShop(e2e.app.temporal, e2e.app.config, shopA.token, 'emailing', webhookSignal, [], {
      ...shopSyncSettings(e2e.app.config),
      maxHistoryEvents: 40,
    });
    for (const shop of [shopA, shopB]) {
      expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: 2 })).body).toEqual({
        error: false,
        message: '',
      });
      await waitPhase(e2e.app.temporal, shop.token, 'live');
    }
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a token scoped to shop A writes to A, gets 403 on B (nothing written); revoked, it gets 401', async () => {
    const { token, id } = await createVendorToken(e2e.app.db.models.VendorToken, { name: 'warehouse A', shops: [shopA.token] });
    const customersOfB = shopB.data.customers.length;
    const onB = await call(token, 'POST', `${shopB.token}/subscribers`, { email: 'scope-b@example.com' });
    expect(onB.status).toBe(403);
    expect(shopB.data.customers.length).toBe(customersOfB);
    const onA = await call(token, 'POST', `${shopA.token}/subscribers`, { email: 'scope-a@example.com' });
    expect(onA).toMatchObject({ status: 200, body: { ok: true } });
    // The bootstrap token still reaches every shop (rotation: create the new one, switch, revoke the old).
    expect((await call(e2e.app.config.vendorApiToken, 'POST', `${shopB.token}/subscribers`, { email: 'boot-b@example.com' })).status).toBe(
      200,
    );
    expect(await revokeVendorToken(e2e.app.db.models.VendorToken, id)).toBe(true);
    expect((await call(token, 'POST', `${shopA.token}/subscribers`, { email: 'scope-a2@example.com' })).status).toBe(401);
    recordChaosRow({
      scenario: '14.6 token scoped to shop A writes to shop B',
      tries: 1,
      recordsLost: 0,
      duplicates: 0,
      serverErrors: 0,
      secretsFound: 0,
      note: `answer ${onB.status}; customers written to B: ${shopB.data.customers.length - customersOfB}; revoked token answered 401`,
    });
  });

  it('an Idempotency-Key retried after a continue-as-new writes once and answers the first result', async () => {
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shopA.token));
    const body = { count: 2, type: 'percentage', currency_id: 'CZK', amount: 10 };
    const first = await call(e2e.app.config.vendorApiToken, 'POST', `${shopA.token}/campaigns/idem-1/vouchers`, body, 'retry-me-1');
    expect(first).toMatchObject({ status: 200, body: { ok: true } });
    const runOfFirst = (await handle.describe()).runId;
    // An empty webhook batch wakes the idle workflow, which then sees its history over the limit.
    await eventually(
      'shop A continued as new',
      async () => {
        if ((await handle.describe()).runId !== runOfFirst) return true;
        await handle.signal(webhookSignal, []);
        return undefined;
      },
      60_000,
    );

    const retries = 3;
    const answers = [];
    for (let i = 0; i < retries; i++) {
      answers.push(await call(e2e.app.config.vendorApiToken, 'POST', `${shopA.token}/campaigns/idem-1/vouchers`, body, 'retry-me-1'));
    }
    const coupons = shopA.vouchers.filter((v) => v.note === 'campaign idem-1');
    recordChaosRow({
      scenario: '14.6 Idempotency-Key retried after continue-as-new',
      tries: retries,
      recordsLost: 0,
      duplicates: coupons.length - body.count,
      serverErrors: answers.filter((a) => a.status >= 500).length,
      secretsFound: 0,
      note: `coupons in the sandbox: ${coupons.length} for count ${body.count}; runs ${runOfFirst.slice(0, 8)} -> ${(await handle.describe()).runId.slice(0, 8)}`,
    });
    expect(coupons).toHaveLength(body.count);
    for (const again of answers) expect(again).toEqual(first);

    // The same key with another body is refused, nothing written.
    const other = await call(
      e2e.app.config.vendorApiToken,
      'POST',
      `${shopA.token}/campaigns/idem-1/vouchers`,
      { ...body, count: 5 },
      'retry-me-1',
    );
    expect(other.status).toBe(422);
    expect(shopA.vouchers.filter((v) => v.note === 'campaign idem-1')).toHaveLength(body.count);
  });
});
