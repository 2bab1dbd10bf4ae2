import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPublicKeySource, PublicKeyUnavailableError } from '../../src/upgates/public-key.js';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
};
const OLD = pair();
const NEW = pair();
const TOKEN = 'sig-token';
const VALUES = ['shop-1', '2025-03-01T10:00:00Z'];
const signWith = (key: ReturnType<typeof pair>) =>
  sign('sha256', Buffer.from([...VALUES, TOKEN].join(';')), key.privateKey).toString('base64');
const URL_ = 'https://keys.example/api.signature.pub.key';

/** A fake fetch serving whatever `body` currently is, counting calls. */
function fakeFetch(initial: string | Error) {
  const state = { body: initial as string | Error, calls: 0 };
  const fetch = (async () => {
    state.calls += 1;
    if (state.body instanceof Error) throw state.body;
    return new Response(state.body, { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { state, fetch };
}

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('public key source', () => {
  it('caches the key', async () => {
    const { state, fetch } = fakeFetch(OLD.pem);
    const source = createPublicKeySource({ url: URL_, fetch });
    expect(await source.get()).toBe(OLD.pem);
    expect(await source.get()).toBe(OLD.pem);
    expect(state.calls).toBe(1);
  });

  it('shares one fetch between concurrent cold callers', async () => {
    const { state, fetch } = fakeFetch(OLD.pem);
    const source = createPublicKeySource({ url: URL_, fetch });
    await Promise.all([source.get(), source.get(), source.get()]);
    expect(state.calls).toBe(1);
  });

  it('refetches once when a signature fails, and verifies with the rotated key', async () => {
    const { state, fetch } = fakeFetch(OLD.pem);
    const c = clock();
    const source = createPublicKeySource({ url: URL_, fetch, now: c.now, minRefreshIntervalMs: 60_000 });
    expect(await source.verifyWithRefresh(VALUES, TOKEN, signWith(OLD))).toBe(true);
    state.body = NEW.pem; // Upgates rotates its key
    c.t += 61_000;
    expect(await source.verifyWithRefresh(VALUES, TOKEN, signWith(NEW))).toBe(true);
    expect(state.calls).toBe(2);
    expect(await source.verifyWithRefresh(VALUES, TOKEN, signWith(NEW))).toBe(true);
    expect(state.calls).toBe(2);
  });

  it('does not refetch more than once per interval under a flood of forgeries', async () => {
    const { state, fetch } = fakeFetch(OLD.pem);
    const c = clock();
    const source = createPublicKeySource({ url: URL_, fetch, now: c.now, minRefreshIntervalMs: 60_000 });
    await source.get();
    c.t += 61_000;
    const forged = signWith(NEW);
    const results = await Promise.all(Array.from({ length: 50 }, () => source.verifyWithRefresh(VALUES, TOKEN, forged)));
    expect(results.every((r) => r === false)).toBe(true);
    expect(state.calls).toBe(2); // initial + one refresh
    c.t += 1_000;
    await source.verifyWithRefresh(VALUES, TOKEN, forged);
    expect(state.calls).toBe(2);
    c.t += 60_000;
    await source.verifyWithRefresh(VALUES, TOKEN, forged);
    expect(state.calls).toBe(3);
  });

  it('throws PublicKeyUnavailableError when no key was ever loaded', async () => {
    const { fetch } = fakeFetch(new Error('ECONNREFUSED'));
    await expect(createPublicKeySource({ url: URL_, fetch }).get()).rejects.toBeInstanceOf(PublicKeyUnavailableError);
    const html = fakeFetch('<html>oops</html>');
    await expect(createPublicKeySource({ url: URL_, fetch: html.fetch }).get()).rejects.toBeInstanceOf(PublicKeyUnavailableError);
    const notFound = (async () => new Response('nope', { status: 404 })) as unknown as typeof globalThis.fetch;
    await expect(createPublicKeySource({ url: URL_, fetch: notFound }).get()).rejects.toBeInstanceOf(PublicKeyUnavailableError);
  });

  it('keeps serving the last good key when a reload fails', async () => {
    const { state, fetch } = fakeFetch(OLD.pem);
    const c = clock();
    const source = createPublicKeySource({ url: URL_, fetch, now: c.now, cacheMs: 1000 });
    await source.get();
    state.body = new Error('down');
    c.t += 120_000;
    expect(await source.get()).toBe(OLD.pem);
    expect(await source.verifyWithRefresh(VALUES, TOKEN, signWith(OLD))).toBe(true);
  });

  it('prefers the file over the URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubkey-'));
    const file = join(dir, 'key.pem');
    writeFileSync(file, OLD.pem);
    const { state, fetch } = fakeFetch(NEW.pem);
    const source = createPublicKeySource({ url: URL_, file, fetch });
    expect(await source.get()).toBe(OLD.pem);
    expect(state.calls).toBe(0);
  });
});
