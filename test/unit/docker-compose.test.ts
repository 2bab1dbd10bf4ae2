// Docker does not run on this machine, so the compose file is checked by parsing it: the services exist and
// the app's variables are exactly names that src/config.ts reads, with every production secret supplied.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; ports?: string[] }>;
};

describe('docker-compose.yml', () => {
  it('has MongoDB 7, Temporal with its UI, and the app', () => {
    expect(compose.services.mongodb?.image).toMatch(/^mongo:7/);
    expect(compose.services.temporal?.image).toMatch(/^temporalio\//);
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui/);
    expect(compose.services.app?.build).toBeDefined();
  });

  it('gives the app only variables that config.ts knows', () => {
    const names = Object.keys(compose.services.app?.environment ?? {});
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it('points the app at the compose services and supplies every production secret', () => {
    const env = compose.services.app!.environment!;
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/mongodb:27017\//);
    // Resolve ${VAR:?msg} / ${VAR:-default} as docker compose would, with the secrets given.
    const given: Record<string, string> = {
      APP_SECRET: 'x'.repeat(40),
      UPGATES_SIGNATURE_TOKEN: 'token',
      PUBLIC_URL: 'https://addon.example.com',
      VENDOR_API_TOKEN: 'v'.repeat(32),
    };
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        String(v).replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_m, name: string, fallback?: string) => given[name] ?? fallback ?? ''),
      ]),
    );
    expect(() => loadConfig(resolved)).not.toThrow();
  });

  it('registers the search attributes the workflows set', () => {
    const command = JSON.stringify(compose.services['temporal-search-attributes']);
    for (const name of ['ShopToken', 'AddonProfile', 'SyncPhase', 'LastSyncAt']) expect(command).toContain(name);
  });
});
