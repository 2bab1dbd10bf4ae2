// Attack (issue 14.1): open, uninstall and version sign the same values (token;time) and `version` is not
// signed, so a captured open body (a proxy log, a browser extension) could be posted to /upgates/uninstall
// or /upgates/version. Each signature_v2 is bound to the first callback and body that used it: the same body
// at the same endpoint is answered again (Upgates' duplicates), anything else gets 401 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopWorkflowId, uninstallWorkflowId } from '../../src/temporal/workflow-ids.js';
import { recordChaosRow } from '../chaos/chaos-table.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';

describe('lifecycle signatures are one-time: replay across callbacks', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('lc_replay');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function post(path: string, body: unknown) {
    const res = await fetch(`${e2e.addonUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: boolean; url?: string; message?: string } };
  }
  const shopDoc = (token: string) => e2e.app.db.models.Shop.findOne({ token }).lean();
  async function workflowExists(id: string) {
    try {
      await e2e.app.temporal.workflow.getHandle(id).describe();
      return true;
    } catch {
      return false;
    }
  }

  it('a captured open body cannot uninstall the shop or change its version; duplicates stay idempotent', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-replay-1', seed: 41, orders: 3, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: 1 })).body).toMatchObject({ error: false });
    await eventually('shop active', async () => (await shopDoc(shop.token))?.status === 'active', 90_000);

    const opened = await e2e.sandbox.lifecycle.open(shop.token, { addonUrl: e2e.addonUrl });
    expect(opened.ok).toBe(true);
    const captured = opened.request;

    const attacks: Array<[string, unknown]> = [
      ['open body posted to /upgates/uninstall', captured],
      ['open body posted to /upgates/version with another version', { ...captured, version: 2 }],
      ['open body posted to /upgates/version as is', captured],
      ['open body with another language posted to /upgates/open', { ...captured, current_admin_language: 'sk' }],
    ];
    let succeeded = 0;
    const outcomes: Array<[string, number]> = [];
    for (const [what, body] of attacks) {
      const path = what.includes('/upgates/uninstall')
        ? '/upgates/uninstall'
        : what.includes('/upgates/version')
          ? '/upgates/version'
          : '/upgates/open';
      const r = await post(path, body);
      outcomes.push([what, r.status]);
      if (r.status !== 401) succeeded++;
    }
    const after = await shopDoc(shop.token);
    recordChaosRow({
      scenario: 'replay of a captured lifecycle signature at another callback (14.1)',
      tries: attacks.length,
      recordsLost: null,
      duplicates: null,
      serverErrors: outcomes.filter(([, status]) => status >= 500).length,
      secretsFound: null,
      note: `${succeeded} of ${attacks.length} replays accepted; shop ${after?.status}, version ${after?.version}`,
    });
    expect(outcomes).toEqual(attacks.map(([what]) => [what, 401]));
    expect(after).toMatchObject({ status: 'active', version: 1 });
    expect(after?.credentials).not.toBeNull();
    expect(await workflowExists(uninstallWorkflowId(shop.token))).toBe(false);

    // Upgates' duplicate of the very same open: answered again.
    const again = await post('/upgates/open', captured);
    expect(again.status).toBe(200);
    expect(again.body.url).toMatch(/\/app\?session=/);

    // A genuine uninstall: its duplicates are idempotent, but the same body is refused at open and version.
    const uninstalled = await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl });
    expect(uninstalled.status).toBe(200);
    expect(await post('/upgates/uninstall', uninstalled.request)).toMatchObject({ status: 200, body: { error: false } });
    expect((await post('/upgates/open', uninstalled.request)).status).toBe(401);
    expect((await post('/upgates/version', uninstalled.request)).status).toBe(401);
    expect((await shopDoc(shop.token))?.status).toBe('uninstalled');
    await eventually('shop workflow ended', async () => {
      const d = await e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token)).describe();
      return d.status.name !== 'RUNNING';
    });
  });

  it('a version callback body cannot be replayed with another version', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-replay-2', seed: 42, orders: 3, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: 1 })).body).toMatchObject({ error: false });
    await eventually('shop active', async () => (await shopDoc(shop.token))?.status === 'active', 90_000);
    // Same version as installed: a no-op change whose body an attacker then edits.
    const noop = await e2e.sandbox.lifecycle.versionChange(shop.token, { addonUrl: e2e.addonUrl, version: 1 });
    expect(noop.body).toEqual({ error: false, message: '' });
    expect((await post('/upgates/version', noop.request)).body).toEqual({ error: false, message: '' });
    const tampered = await post('/upgates/version', { ...noop.request, version: 2 });
    expect(tampered.status).toBe(401);
    expect((await shopDoc(shop.token))?.version).toBe(1);
  });
});
