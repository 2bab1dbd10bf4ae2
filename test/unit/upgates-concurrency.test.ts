import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpgatesClient } from '../../src/upgates/client.js';
import { CREDENTIALS } from './upgates-fake-api.js';

// A real HTTP server that records how many requests are in flight per Basic-auth user.
let server: Server;
let apiUrl: string;
const inFlight = new Map<string, number>();
const peak = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const user = req.headers.authorization ?? '';
    const now = (inFlight.get(user) ?? 0) + 1;
    inFlight.set(user, now);
    peak.set(user, Math.max(peak.get(user) ?? 0, now));
    setTimeout(() => {
      inFlight.set(user, (inFlight.get(user) ?? 1) - 1);
      res.writeHead(now > 3 ? 429 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ owner: { company: 'x' } }));
    }, 15);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const auth = (apiUser: string) => `Basic ${Buffer.from(`${apiUser}:${CREDENTIALS.apiKey}`).toString('base64')}`;

describe('per-shop concurrency cap', () => {
  it('20 racing callers on 4 client instances of one shop never exceed 3 in flight', async () => {
    const clients = Array.from({ length: 4 }, () =>
      createUpgatesClient({ shopToken: 'race-shop', credentials: { ...CREDENTIALS, apiUser: 'race', apiUrl } }),
    );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 4]!.getOwner()));
    expect(results).toHaveLength(20);
    expect(peak.get(auth('race'))).toBe(3);
  });

  it('two shops do not share a cap', async () => {
    const a = createUpgatesClient({ shopToken: 'shop-a', credentials: { ...CREDENTIALS, apiUser: 'a', apiUrl } });
    const b = createUpgatesClient({ shopToken: 'shop-b', credentials: { ...CREDENTIALS, apiUser: 'b', apiUrl } });
    const started = Date.now();
    await Promise.all([...Array.from({ length: 3 }, () => a.getOwner()), ...Array.from({ length: 3 }, () => b.getOwner())]);
    expect(peak.get(auth('a'))).toBe(3);
    expect(peak.get(auth('b'))).toBe(3);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
