import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('has working development defaults', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.appSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('stops production start-up on a missing secret, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://a.example', UPGATES_SIGNATURE_TOKEN: 't' })).toThrow(
      /APP_SECRET/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://a.example', APP_SECRET: 'x'.repeat(32) })).toThrow(
      /UPGATES_SIGNATURE_TOKEN/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32), UPGATES_SIGNATURE_TOKEN: 't' })).toThrow(ConfigError);
  });

  it('rejects malformed values with the variable name', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'http://x' })).toThrow(/MONGODB_URI/);
    expect(() => loadConfig({ ADDON_PROFILE: 'shipping' })).toThrow(/ADDON_PROFILE/);
    expect(() => loadConfig({ APP_SECRET: 'short' })).toThrow(/APP_SECRET/);
  });

  describe('issue 14.7: production secrets and defaults', () => {
    const prod = {
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://a.example',
      APP_SECRET: 'x'.repeat(32),
      UPGATES_SIGNATURE_TOKEN: 't',
      VENDOR_API_TOKEN: 'v'.repeat(16),
    };

    it('development listens on 127.0.0.1 only (its secrets are public); production on every interface; LISTEN_HOST overrides', () => {
      expect(loadConfig({}).listenHost).toBe('127.0.0.1');
      expect(loadConfig({ NODE_ENV: 'test' }).listenHost).toBe('127.0.0.1');
      expect(loadConfig(prod).listenHost).toBe('0.0.0.0');
      expect(loadConfig({ ...prod, LISTEN_HOST: '10.0.0.5' }).listenHost).toBe('10.0.0.5');
      expect(loadConfig({ LISTEN_HOST: '0.0.0.0' }).listenHost).toBe('0.0.0.0');
    });

    it('npm start (defaultEnv production) refuses to start without secrets when NODE_ENV is unset', () => {
      expect(() => loadConfig({}, { defaultEnv: 'production' })).toThrow(/APP_SECRET/);
      const { NODE_ENV: _unset, ...withoutEnv } = prod;
      expect(loadConfig(withoutEnv, { defaultEnv: 'production' }).env).toBe('production');
    });

    it('trusts a configured number of proxy hops, none by default', () => {
      expect(loadConfig({}).trustProxyHops).toBe(0);
      expect(loadConfig({ TRUST_PROXY_HOPS: '2' }).trustProxyHops).toBe(2);
      expect(() => loadConfig({ TRUST_PROXY_HOPS: 'true' })).toThrow(/TRUST_PROXY_HOPS/);
    });

    it('takes an optional metrics bearer token (empty = none)', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    });

    it('requires an https signature public key URL in production', () => {
      expect(() => loadConfig({ ...prod, UPGATES_PUBLIC_KEY_URL: 'http://keys.example/k.pub' })).toThrow(/UPGATES_PUBLIC_KEY_URL/);
      expect(loadConfig(prod).upgates.publicKeyUrl).toMatch(/^https:/);
      expect(loadConfig({ UPGATES_PUBLIC_KEY_URL: 'http://127.0.0.1:4000/k.pub' }).upgates.publicKeyUrl).toMatch(/^http:/);
    });
  });
});
