// The signature of event deliveries to the vendor's system (src/vendor-events/signature.ts), the verify
// function the README gives vendors (kept identical to the exported one), and the configuration rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signVendorEvents, verifyVendorEventSignature } from '../../src/vendor-events/signature.js';

const root = join(import.meta.dirname, '..', '..');
const SECRET = 'vendor-events-secret-0123456789';
const body = JSON.stringify({
  shop: 'shop-a',
  events: [{ id: 'shop-a:4:orders:1', resource: 'orders', record_id: '1', change: 'updated', cursor: 'x' }],
});

describe('vendor event signature', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const headers = signVendorEvents(body, SECRET, now);
  const ts = headers[TIMESTAMP_HEADER]!;
  const sig = headers[SIGNATURE_HEADER]!;
  const nowS = now / 1000;

  it('signs `timestamp.body` with HMAC-SHA256 as v1=<hex>, and the same function verifies it', () => {
    expect(ts).toBe(String(nowS));
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyVendorEventSignature(body, ts, sig, SECRET, 300, nowS)).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a moved timestamp and a malformed header', () => {
    expect(verifyVendorEventSignature(body, ts, sig, 'another-secret-0123456789', 300, nowS)).toBe(false);
    expect(verifyVendorEventSignature(body.replace('updated', 'deleted'), ts, sig, SECRET, 300, nowS)).toBe(false);
    expect(verifyVendorEventSignature(body, String(nowS + 1), sig, SECRET, 300, nowS)).toBe(false);
    expect(verifyVendorEventSignature(body, ts, sig.slice(0, -2), SECRET, 300, nowS)).toBe(false);
    expect(verifyVendorEventSignature(body, ts, sig.replace('v1=', 'v2='), SECRET, 300, nowS)).toBe(false);
    expect(verifyVendorEventSignature(body, 'abc', sig, SECRET, 300, nowS)).toBe(false);
  });

  it('refuses a stale (or future) timestamp beyond the tolerance, even correctly signed', () => {
    expect(verifyVendorEventSignature(body, ts, sig, SECRET, 300, nowS + 300)).toBe(true);
    expect(verifyVendorEventSignature(body, ts, sig, SECRET, 300, nowS + 301)).toBe(false);
    expect(verifyVendorEventSignature(body, ts, sig, SECRET, 300, nowS - 301)).toBe(false);
    // A retry is signed anew: the late attempt of the same body verifies with its own timestamp.
    const later = signVendorEvents(body, SECRET, now + 3_600_000);
    expect(verifyVendorEventSignature(body, later[TIMESTAMP_HEADER]!, later[SIGNATURE_HEADER]!, SECRET, 300, nowS + 3600)).toBe(true);
  });

  it("the README's verify function is the exported one, character for character", () => {
    const source = readFileSync(join(root, 'src/vendor-events/signature.ts'), 'utf8');
    const exported = source.split('// README-VERIFY-BEGIN\n')[1]!.split('// README-VERIFY-END')[0]!.trim();
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```ts\n(import \{ createHmac, timingSafeEqual \} from 'node:crypto';\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a ts block starting with the crypto import').toBeDefined();
    expect(block!.replace("import { createHmac, timingSafeEqual } from 'node:crypto';\n\n", '').trim()).toBe(exported);
  });
});

describe('VENDOR_EVENTS_* configuration', () => {
  const prod = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://a.example',
    APP_SECRET: 'x'.repeat(32),
    UPGATES_SIGNATURE_TOKEN: 't',
    VENDOR_API_TOKEN: 'v'.repeat(16),
  };

  it('is off without a URL, on with one', () => {
    expect(loadConfig({}).vendorEvents).toBeNull();
    expect(loadConfig({ VENDOR_EVENTS_URL: '' }).vendorEvents).toBeNull();
    expect(loadConfig({ VENDOR_EVENTS_URL: 'https://vendor.example/events', VENDOR_EVENTS_SECRET: SECRET }).vendorEvents).toEqual({
      url: 'https://vendor.example/events',
      secret: SECRET,
      timeoutMs: 10_000,
      batchSize: 100,
      retryMaxMs: 60_000,
      idleCheckMs: 600_000,
    });
  });

  it('production refuses a URL without a secret, naming it; development signs with its public default', () => {
    expect(() => loadConfig({ ...prod, VENDOR_EVENTS_URL: 'https://vendor.example/events' })).toThrow(/VENDOR_EVENTS_SECRET/);
    expect(
      loadConfig({ ...prod, VENDOR_EVENTS_URL: 'https://vendor.example/events', VENDOR_EVENTS_SECRET: SECRET }).vendorEvents?.secret,
    ).toBe(SECRET);
    expect(loadConfig({ ...prod }).vendorEvents).toBeNull();
    expect(loadConfig({ VENDOR_EVENTS_URL: 'http://127.0.0.1:9/e' }).vendorEvents?.secret).toBeTruthy();
  });

  it('rejects a malformed URL, a short secret and a batch size out of range', () => {
    expect(() => loadConfig({ VENDOR_EVENTS_URL: 'not a url' })).toThrow(/VENDOR_EVENTS_URL/);
    expect(() => loadConfig({ VENDOR_EVENTS_URL: 'https://v.example', VENDOR_EVENTS_SECRET: 'short' })).toThrow(/VENDOR_EVENTS_SECRET/);
    expect(() => loadConfig({ VENDOR_EVENTS_BATCH: '0' })).toThrow(/VENDOR_EVENTS_BATCH/);
  });
});
