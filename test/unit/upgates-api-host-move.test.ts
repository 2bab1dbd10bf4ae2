// Attack test of issue 14.5: a 301 naming a foreign api_url must not receive the shop's Basic credentials.
// Two real local HTTP servers: the shop's origin answers 301 with an api_url on a second origin, which
// records every Authorization header it is sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUpgatesClient } from '../../src/upgates/client.js';
import {
  apiHostPolicyFor,
  checkApiUrl,
  DEFAULT_UPGATES_API_HOSTS,
  UpgatesMoveRefusedError,
  upgatesApiMovesRefused,
} from '../../src/upgates/api-host-policy.js';
import { toTemporalFailure } from '../../src/upgates/temporal-failure.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: Parameters<typeof createServer>[1], host = '127.0.0.1'): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function attack(foreignHost: string) {
  const received: string[] = [];
  const foreign = await listen((req, res) => {
    received.push(req.headers.authorization ?? '(none)');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ owner: [{ company: 'attacker' }] }));
  }, foreignHost);
  const shopOrigin = await listen((_req, res) => {
    res.statusCode = 301;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ api_url: `${foreign}/api/v2` }));
  });
  const onMoved = vi.fn(async () => {});
  const onMoveRefused = vi.fn(async (_url: string, _reason: string) => {});
  const client = createUpgatesClient({
    shopToken: `shop-${Math.random()}`,
    credentials: { apiUser: 'addon-user', apiKey: 'sup3r-s3cret-api-key', apiUrl: `${shopOrigin}/api/v2` },
    onMoved,
    onMoveRefused,
  });
  const error = await client.getOwner().then(
    () => undefined,
    (err: unknown) => err,
  );
  return { received, onMoved, onMoveRefused, error, foreign };
}

describe('301 to a foreign host (issue 14.5)', () => {
  it('a 301 naming another origin gets no credentials, is not stored, and stops the shop', async () => {
    const before = (await upgatesApiMovesRefused.get()).values.reduce((sum, v) => sum + v.value, 0);
    const { received, onMoved, onMoveRefused, error, foreign } = await attack('127.0.0.1');
    expect(received).toEqual([]);
    expect(onMoved).not.toHaveBeenCalled();
    expect(onMoveRefused).toHaveBeenCalledTimes(1);
    expect(onMoveRefused.mock.calls[0]![0]).toBe(`${foreign}/api/v2`);
    expect(error).toBeInstanceOf(UpgatesMoveRefusedError);
    expect((error as Error).message).not.toContain('sup3r');
    // Non-retryable: Temporal must not keep knocking at the old URL either.
    expect(toTemporalFailure(error)).toMatchObject({ nonRetryable: true, type: 'UpgatesMoveRefusedError' });
    const after = (await upgatesApiMovesRefused.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(after - before).toBe(1);
  });

  it('localhost on another port is another origin too', async () => {
    const { received, error } = await attack('localhost');
    expect(received).toEqual([]);
    expect(error).toBeInstanceOf(UpgatesMoveRefusedError);
  });
});

describe('API host policy', () => {
  const production = apiHostPolicyFor('production', DEFAULT_UPGATES_API_HOSTS);
  const development = apiHostPolicyFor('development', DEFAULT_UPGATES_API_HOSTS);
  const original = 'http://127.0.0.1:4000/api/v2';

  it('production: https on an Upgates host only; the original origin is no excuse', () => {
    expect(checkApiUrl(production, 'https://beershop.admin.s24.upgates.com/api/v2', original)).toEqual({ allowed: true });
    expect(checkApiUrl(production, 'https://dev.admin.upgates.com/api/v2')).toEqual({ allowed: true });
    expect(checkApiUrl(production, 'http://beershop.admin.s24.upgates.com/api/v2')).toMatchObject({ allowed: false, reason: 'not-https' });
    expect(checkApiUrl(production, 'https://upgates.com.evil.example/api/v2')).toMatchObject({ allowed: false, reason: 'foreign-host' });
    expect(checkApiUrl(production, 'https://evilupgates.com/api/v2')).toMatchObject({ allowed: false, reason: 'foreign-host' });
    expect(checkApiUrl(production, 'https://u:p@x.admin.upgates.com/api/v2')).toMatchObject({ allowed: false, reason: 'invalid-url' });
    expect(checkApiUrl(production, 'http://127.0.0.1:4000/moved/api/v2', original)).toMatchObject({ allowed: false });
  });

  it('development: also the original origin (the sandbox), nothing else', () => {
    expect(checkApiUrl(development, 'http://127.0.0.1:4000/moved/x/api/v2', original)).toEqual({ allowed: true });
    expect(checkApiUrl(development, 'http://127.0.0.1:4001/api/v2', original)).toMatchObject({ allowed: false, reason: 'foreign-host' });
    expect(checkApiUrl(development, 'ftp://127.0.0.1:4000/api/v2', original)).toMatchObject({ allowed: false, reason: 'invalid-url' });
  });
});
