// Docker does not run on this machine, so the compose file is checked by parsing it: the services exist and
// the app's variables are exactly names that src/config.ts reads, with every production secret supplied.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import { recordChaosRow } from '../chaos/chaos-table.js';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      environment?: Record<string, string>;
      ports?: string[];
      command?: unknown;
      deploy?: { replicas?: number };
    }
  >;
};
const appServices = ['api', 'worker'] as const;

describe('docker-compose.yml', () => {
  it('has MongoDB 7, Temporal with its UI, and the app', () => {
    expect(compose.services.mongodb?.image).toMatch(/^mongo:7/);
    expect(compose.services.temporal?.image).toMatch(/^temporalio\//);
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui/);
    for (const name of appServices) expect(compose.services[name]?.build).toBeDefined();
  });

  it('runs the API and the worker as separate services with several replicas each (issue 19.3)', () => {
    expect(compose.services.api?.environment?.APP_ROLE).toBe('api');
    expect(compose.services.worker?.environment?.APP_ROLE).toBe('worker');
    for (const name of appServices) expect(compose.services[name]?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(compose.services.app).toBeUndefined();
  });

  it('publishes only the API port; MongoDB and Temporal stay on the compose network (issue 14.4)', () => {
    const published = Object.entries(compose.services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['api', 'temporal-ui']);
    // The Temporal UI has no login: loopback only (reach it with an SSH tunnel).
    for (const port of compose.services['temporal-ui']!.ports!) expect(port).toMatch(/^127\.0\.0\.1:/);
    const openToEveryInterface = Object.entries(compose.services).flatMap(([name, service]) =>
      name === 'api' ? [] : (service.ports ?? []).filter((port) => !String(port).startsWith('127.0.0.1:')).map(() => name),
    );
    recordChaosRow({
      scenario: 'docker-compose: internal services reachable from outside the host (issue 14.4)',
      tries: Object.keys(compose.services).length,
      recordsLost: null,
      duplicates: null,
      serverErrors: null,
      secretsFound: null,
      note: `${openToEveryInterface.length} non-API services published on every interface; published: ${published.join(', ')}`,
    });
    expect(openToEveryInterface).toEqual([]);
  });

  it('runs MongoDB with authentication as a single-member replica set', () => {
    const mongo = compose.services.mongodb!;
    expect(mongo.environment?.MONGO_INITDB_ROOT_USERNAME).toBeTruthy();
    expect(mongo.environment?.MONGO_INITDB_ROOT_PASSWORD).toMatch(/^\$\{MONGODB_PASSWORD:\?/);
    const command = JSON.stringify(mongo.command);
    expect(command).toContain('--replSet');
    expect(command).toContain('--keyFile');
    for (const name of appServices) {
      const uri = compose.services[name]!.environment!.MONGODB_URI!;
      expect(uri).toMatch(/^mongodb:\/\/[^:]+:\$\{MONGODB_PASSWORD:\?[^}]*\}@mongodb:27017\//);
      expect(uri).toContain('replicaSet=rs0');
    }
  });

  it('gives the app only variables that config.ts knows', () => {
    for (const service of appServices) {
      const names = Object.keys(compose.services[service]?.environment ?? {});
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
    }
  });

  it.each(appServices)('points %s at the compose services and supplies every production secret', (service) => {
    const env = compose.services[service]!.environment!;
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    // Resolve ${VAR:?msg} / ${VAR:-default} as docker compose would, with the secrets given.
    const given: Record<string, string> = {
      APP_SECRET: 'x'.repeat(40),
      UPGATES_SIGNATURE_TOKEN: 'token',
      PUBLIC_URL: 'https://addon.example.com',
      VENDOR_API_TOKEN: 'v'.repeat(32),
      MONGODB_PASSWORD: 'm'.repeat(24),
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
