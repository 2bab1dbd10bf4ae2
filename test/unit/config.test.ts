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
});
