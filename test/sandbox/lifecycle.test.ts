import { verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.js';
import { api, startReceiver } from './helpers.js';

let sb: Sandbox;
let addon: Awaited<ReturnType<typeof startReceiver>>;
let pem: string;

const verifies = (values: string[], signature: string): boolean =>
  verify('sha256', Buffer.from([...values, sb.signatureToken].join(';')), pem, Buffer.from(signature, 'base64'));

beforeAll(async () => {
  sb = await startSandbox({ signatureToken: 'test-secret' });
  addon = await startReceiver((r) => {
    if (r.path.endsWith('/open')) return { body: { url: 'https://addon.example/app', type: 'iframe' } };
    if (r.path.endsWith('/install') && r.body.token === 'refuses') return { body: { error: 1, message: 'Fill billing info first' } };
    if (r.path.endsWith('/install') && r.body.token === 'slow') return { delayMs: 700, body: { error: false } };
    return { body: { error: false, message: '' } };
  });
  pem = await (await fetch(sb.publicKeyUrl)).text();
});
afterAll(async () => {
  await sb.stop();
  await addon.close();
});

describe('lifecycle callbacks', () => {
  it('serves the public key as PEM', () => {
    expect(pem).toBe(sb.publicKeyPem);
    expect(pem).toContain('BEGIN PUBLIC KEY');
  });

  it('install posts signed credentials that work against the API', async () => {
    sb.createShop({ token: 'life-1', orders: 3, products: 3 });
    const res = await sb.lifecycle.install('life-1', { addonUrl: addon.url, version: 2, language: 'sk' });
    expect(res).toMatchObject({ status: 200, ok: true });
    const b = addon.received.at(-1)!.body;
    expect(addon.received.at(-1)!.path).toBe('/upgates/install');
    expect(Object.keys(b)).toEqual(['token', 'version', 'apiUser', 'apiKey', 'apiUrl', 'current_admin_language', 'time', 'signature_v2']);
    expect(b).toMatchObject({ token: 'life-1', version: 2, current_admin_language: 'sk' });
    expect(b.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    expect(verifies([b.token, b.apiUser, b.apiKey, b.apiUrl, b.time], b.signature_v2)).toBe(true);
    // The signature token is not the plaintext tail: a different token fails.
    expect(
      verify(
        'sha256',
        Buffer.from([b.token, b.apiUser, b.apiKey, b.apiUrl, b.time, 'other'].join(';')),
        pem,
        Buffer.from(b.signature_v2, 'base64'),
      ),
    ).toBe(false);
    const shop = sb.shop('life-1');
    expect(shop.installed).toBe(true);
    expect((await api(shop, 'GET', '/orders')).status).toBe(200);
  });

  it('a second install issues new credentials unless told to reuse', async () => {
    const shop = sb.shop('life-1');
    const before = shop.credentials!;
    await sb.lifecycle.install('life-1', { addonUrl: addon.url });
    expect(shop.credentials!.apiUser).not.toBe(before.apiUser);
    const again = shop.credentials!;
    await sb.lifecycle.install('life-1', { addonUrl: addon.url, reuseCredentials: true });
    expect(shop.credentials).toMatchObject({ apiUser: again.apiUser, apiKey: again.apiKey });
  });

  it('open, version change and uninstall are signed over token;time', async () => {
    const open = await sb.lifecycle.open('life-1', { addonUrl: addon.url });
    expect(open).toMatchObject({ ok: true, body: { type: 'iframe' } });
    const ob = addon.received.at(-1)!.body;
    expect(Object.keys(ob)).toEqual(['token', 'current_admin_language', 'version', 'time', 'signature_v2']);
    expect(verifies([ob.token, ob.time], ob.signature_v2)).toBe(true);

    const ver = await sb.lifecycle.versionChange('life-1', { addonUrl: addon.url, version: 3 });
    expect(ver.ok).toBe(true);
    const vb = addon.received.at(-1)!.body;
    expect(vb).toMatchObject({ token: 'life-1', version: 3 });
    expect(verifies([vb.token, vb.time], vb.signature_v2)).toBe(true);
    expect(sb.shop('life-1').version).toBe(3);
  });

  it('uninstall revokes credentials and deletes webhooks and conversion codes', async () => {
    const shop = sb.shop('life-1');
    expect((await api(shop, 'POST', '/webhooks', { name: 'w', url: `${addon.url}/hook`, event: 'Orders.update' })).status).toBe(200);
    await api(shop, 'POST', '/conversion-codes', {
      conversion_codes: [{ position: 'head', language_id: 'cs', code: '<script></script>' }],
    });
    expect(shop.webhooks).toHaveLength(1);
    expect(shop.conversionCodes).toHaveLength(1);
    const creds = shop.credentials!;
    const res = await sb.lifecycle.uninstall('life-1', { addonUrl: addon.url });
    const ub = addon.received.at(-1)!.body;
    expect(Object.keys(ub)).toEqual(['token', 'version', 'time', 'signature_v2']);
    expect(verifies([ub.token, ub.time], ub.signature_v2)).toBe(true);
    expect(res.ok).toBe(true);
    expect(shop.installed).toBe(false);
    expect(shop.webhooks).toHaveLength(0);
    expect(shop.conversionCodes).toHaveLength(0);
    const r = await fetch(`${creds.apiUrl}/orders`, {
      headers: { authorization: `Basic ${Buffer.from(`${creds.apiUser}:${creds.apiKey}`).toString('base64')}` },
    });
    expect(r.status).toBe(401);
  });

  it('install fails on error=1, leaving no credentials', async () => {
    const shop = sb.createShop({ token: 'refuses', orders: 1, products: 1 });
    const res = await sb.lifecycle.install('refuses', { addonUrl: addon.url });
    expect(res.ok).toBe(false);
    expect(res.reason).toContain('Fill billing info first');
    expect(shop.installed).toBe(false);
    expect(shop.credentials).toBeUndefined();
  });

  it('install enforces the time limit', async () => {
    sb.createShop({ token: 'slow', orders: 1, products: 1 });
    const res = await sb.lifecycle.install('slow', { addonUrl: addon.url, timeoutMs: 200 });
    expect(res).toMatchObject({ ok: false, status: 0 });
    expect(res.reason).toContain('200 ms');
  });

  it('forged signatures: another key does not verify against the served PEM', () => {
    const values = ['tok', '2025-01-01T00:00:00+01:00', sb.signatureToken];
    expect(verify('sha256', Buffer.from(values.join(';')), pem, Buffer.from(sb.lifecycle.sign(values), 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from(values.join(';')), pem, Buffer.from(sb.lifecycle.sign(values, { otherKey: true }), 'base64'))).toBe(
      false,
    );
  });

  it('repeats callbacks concurrently on demand', async () => {
    sb.createShop({ token: 'dup', orders: 1, products: 1 });
    const results = await sb.lifecycle.repeat(
      'install',
      'dup',
      { addonUrl: addon.url, reuseCredentials: true },
      { times: 3, concurrent: true },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const users = new Set(addon.received.filter((r) => r.body.token === 'dup').map((r) => r.body.apiUser));
    expect(users.size).toBeGreaterThanOrEqual(1);
  });
});
