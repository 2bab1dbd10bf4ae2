// Issue 14.5, activation side: in production the activation's apiUrl must be https on an Upgates API host.
// The sandbox activates with http://127.0.0.1/...: a production-configured app must refuse it in Upgates'
// error shape, store nothing and start nothing (the owner sees the message and nothing receives credentials).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installWorkflowId } from '../../src/temporal/workflow-ids.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';

describe('activation apiUrl in production', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('installpolicy', {
      role: 'api',
      env: {
        NODE_ENV: 'production',
        APP_SECRET: 'x'.repeat(40),
        VENDOR_API_TOKEN: 'production-vendor-token-0123456789',
        METRICS_TOKEN: 'production-metrics-token-0123456789',
        // Production requires an https key URL; the runtime verifies with the sandbox's key source that
        // startE2E injects, so this address is never fetched.
        UPGATES_PUBLIC_KEY_URL: 'https://keys.example.invalid/upgates-public.pem',
      },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('refuses a plain-http, non-Upgates apiUrl with {"error": true}, stores no shop and starts no workflow', async () => {
    const shop = e2e.sandbox.createShop({ token: 'shop-http-api', seed: 3, orders: 1, grantedAccesses: 'all' });
    expect(shop.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const result = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, language: 'en' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ error: true });
    expect(String((result.body as { message?: unknown }).message)).toMatch(/not https/);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(await e2e.app.db.models.Shop.countDocuments({ token: shop.token })).toBe(0);
    await expect(e2e.app.temporal.workflow.getHandle(installWorkflowId(shop.token)).describe()).rejects.toThrow();
  });
});
