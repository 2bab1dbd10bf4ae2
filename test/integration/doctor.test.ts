// `npm run doctor` as an operator runs it (a child process, exit code, stdout), against sandbox shops: a healthy
// one, one whose API user lacks grants, one whose answers break the client's schema. Our own side (PUBLIC_URL and
// the signature public key) is a local https server with a throwaway self-signed certificate, trusted by the
// child through NODE_EXTRA_CA_CERTS, so "healthy" really means nothing blocks going live.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxShop } from '../../sandbox/index.js';
import type { DoctorReport } from '../../src/doctor/report.js';
import { allAccesses } from '../../sandbox/index.js';
import { runDoctor } from '../../src/doctor/run.js';
import { containsSecret } from '../../src/security/redact.js';

const root = join(import.meta.dirname, '..', '..');
let sb: Sandbox;
let dir: string;
let https: Server;
let ownSide: string;

beforeAll(async () => {
  // Not verified: only then does the sandbox send X-Rate-Limit-* headers, which the report must show.
  sb = await startSandbox({ verifiedAddon: false });
  dir = mkdtempSync(join(tmpdir(), 'doctor-test-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  https = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else if (req.url === '/signature.pub.key') res.writeHead(200).end(sb.publicKeyPem);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  ownSide = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sb?.stop();
  await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  // Asynchronous on purpose: the sandbox answering the child lives in this process's event loop.
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** `npm run doctor -- <args>` for a sandbox shop; the key travels as --key (the worst case for leaking it). */
function doctor(shop: SandboxShop, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const c = shop.credentials;
  if (!c) throw new Error('shop has no credentials');
  return run(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['src/doctor/cli.ts', '--api-url', c.apiUrl, '--user', c.apiUser, '--key', c.apiKey, '--public-url', ownSide, ...extra],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
      UPGATES_PUBLIC_KEY_URL: `${ownSide}/signature.pub.key`,
      ...env,
    },
  );
}

const secretsOf = (shop: SandboxShop) => {
  const c = shop.credentials as { apiUser: string; apiKey: string };
  return [c.apiKey, `${c.apiUser}:${c.apiKey}`];
};

describe('npm run doctor', () => {
  it('a healthy shop: exit 0, one GET per declared read endpoint, at most 3 at a time, the key never printed', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 20 });
    // Slow answers make the probes overlap, so the cap of 3 in flight is actually reached and tested.
    sb.faults.set(shop.token, { latencyMs: 300 });
    const result = await doctor(shop);
    sb.faults.clear(shop.token);

    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('READY: nothing found that blocks going live.');
    expect(containsSecret(result.stdout + result.stderr, secretsOf(shop))).toBe(false);
    // The Marketplace declaration of the same manifest, and the rate-limit headers of the answers.
    expect(result.stdout).toContain('## API přístupy / API accesses');
    expect(result.stdout).toMatch(/x-rate-limit-hour-remaining=\d+/);

    const calls = sb.calls.filter((c) => c.shopToken === shop.token);
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
    // expedition v2 declares GET owner, languages, orders, order statuses, shipments, payments, webhooks.
    expect(calls.map((c) => c.path).sort()).toEqual(
      ['/owner', '/languages', '/orders', '/order-statuses', '/shipments', '/payments', '/webhooks', '/webhooks/events']
        .map((p) => `/api/v2${p}`)
        .sort(),
    );
    expect(sb.maxConcurrency(shop.token)).toBe(3);
  });

  it('a shop missing grants: names each access not granted, exits 1 (--json parses)', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 5 });
    shop.grantedAccesses = allAccesses(['GET', 'POST', 'PUT', 'DELETE']).filter((a) => a !== 'orders:GET' && a !== 'shipments:GET');
    const result = await doctor(shop, ['--json']);

    expect(result.code, result.stdout).toBe(1);
    expect(containsSecret(result.stdout + result.stderr, secretsOf(shop))).toBe(false);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ready).toBe(false);
    expect(report.accesses.notGranted.sort()).toEqual(['orders:GET', 'shipments:GET']);
    expect(report.accesses.granted).toContain('payments:GET');
    // Upgates refuses webhooks for events whose data the user cannot read: the pre-check says which.
    expect(report.webhooks.eventsNotAllowed).toEqual(expect.arrayContaining(['Orders.update', 'Shipments.create']));
    expect(report.blockers).toEqual(
      expect.arrayContaining([
        expect.stringContaining('access orders:GET not granted'),
        expect.stringContaining('access shipments:GET not granted'),
      ]),
    );
    expect(report.blockers.filter((b) => b.startsWith('access '))).toHaveLength(2);
    expect(report.probes.find((p) => p.access === 'orders:GET')?.httpStatus).toBe(403);
    expect(report.declaration.accesses.map((a) => a.access)).toContain('orders:GET');
  });

  it('a shop whose answers break the schema: names the field, exits 1', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 5 });
    sb.faults.set(shop.token, { corruptFields: [{ path: 'orders.0.order_number', value: { broken: true } }] });
    // One after the other: two doctors on one shop could exceed its 3 concurrent requests (429).
    const text = await doctor(shop);
    const json = await doctor(shop, ['--json']);
    sb.faults.clear(shop.token);

    expect(text.code, text.stdout).toBe(1);
    expect(text.stdout).toMatch(/GET \/orders\?page=1 +orders\.0\.order_number:/);
    expect(text.stdout).toContain('NOT READY: 1 blocker(s):');
    const report = JSON.parse(json.stdout) as DoctorReport;
    expect(json.code).toBe(1);
    expect(report.blockers).toHaveLength(1);
    const orders = report.probes.find((p) => p.access === 'orders:GET');
    expect(orders?.outcome).toBe('schema-mismatch');
    expect(orders?.issues.map((i) => i.path)).toEqual(['orders.0.order_number']);
  }, 240_000);

  it('rejected credentials: one call only (failed logins block the IP), named as the blocker, no key printed', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 5 });
    const wrongKey = 'wrong-key-0123456789abcdef';
    sb.clearCalls();
    const c = shop.credentials as { apiUrl: string; apiUser: string };
    const result = await run(join(root, 'node_modules', '.bin', 'tsx'), ['src/doctor/cli.ts', '--json', '--public-url', ownSide], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
      UPGATES_PUBLIC_KEY_URL: `${ownSide}/signature.pub.key`,
      // The environment variables instead of flags.
      UPGATES_API_URL: c.apiUrl,
      UPGATES_API_USER: c.apiUser,
      UPGATES_API_KEY: wrongKey,
    });
    expect(result.code, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.blockers).toEqual([expect.stringContaining('credentials: rejected (401)')]);
    expect(sb.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual(['GET /api/v2/owner 401']);
    expect(containsSecret(result.stdout + result.stderr, [wrongKey, ...secretsOf(shop)])).toBe(false);
  });

  it('a throttled shop (429 with a long Retry-After): reported at once, not waited out, nothing more sent', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 5 });
    const c = shop.credentials as { apiUrl: string; apiUser: string; apiKey: string };
    sb.faults.set(shop.token, { storm: { retryAfterSeconds: 3600 } });
    sb.clearCalls();
    const started = Date.now();
    const result = await runDoctor(['--api-url', c.apiUrl, '--user', c.apiUser, '--key', c.apiKey, '--json'], { NODE_ENV: 'test' });
    sb.faults.clear(shop.token);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.output) as DoctorReport;
    expect(report.probes[0]).toMatchObject({ access: 'owner:GET', outcome: 'throttled', httpStatus: 429 });
    expect(report.probes.slice(1).every((p) => p.outcome === 'skipped')).toBe(true);
    expect(sb.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual(['GET /api/v2/owner 429']);
    expect(report.credentials).toMatchObject({ ok: false, detail: expect.stringContaining('not determined') });
    expect(report.blockers).toContain(`GET /owner could not be checked: ${report.probes[0]?.message}`);
  });

  it('a usage error never echoes a stray argument (a key typed without --key)', async () => {
    const result = await runDoctor(['--api-url', 'https://x.admin.upgates.com/api/v2', '--user', 'u', 'stray-secret-4711'], {});
    expect(result.code).toBe(2);
    expect(result.output).not.toContain('stray-secret-4711');
    expect(result.output).toContain('usage: npm run doctor');
    // Other usage errors: exit 2 with the reason, nothing sent.
    const badUrl = await runDoctor(['--api-url', 'http://[bad', '--user', 'u', '--key', 'k'], {});
    expect(badUrl).toMatchObject({ code: 2, output: expect.stringContaining('--api-url must be an http(s) URL') });
    const noKey = await runDoctor(['--api-url', 'https://x.admin.upgates.com/api/v2', '--user', 'u'], {});
    expect(noKey).toMatchObject({ code: 2, output: expect.stringContaining('missing --key (UPGATES_API_KEY)') });
  });

  it('our side: an http PUBLIC_URL and an unreachable public key are blockers', async () => {
    const shop = sb.createShop({ preinstalled: true, orders: 5 });
    const result = await doctor(shop, ['--json', '--public-url', 'http://127.0.0.1:1'], {
      UPGATES_PUBLIC_KEY_URL: `${ownSide}/missing.pub.key`,
    });
    expect(result.code, result.stdout).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.publicUrl).toMatchObject({ ok: false, detail: 'PUBLIC_URL is not https' });
    expect(report.signaturePublicKey.ok).toBe(false);
    expect(report.blockers).toHaveLength(2);
  });
});
