import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUpgatesClient } from '../../src/upgates/client.js';
import {
  UpgatesAuthError,
  UpgatesForbiddenError,
  UpgatesMovedError,
  UpgatesNetworkError,
  UpgatesRequestError,
  UpgatesServerError,
  UpgatesThrottledError,
  UpgatesValidationError,
} from '../../src/upgates/errors.js';
import { API_URL, CREDENTIALS, fakeUpgates, listPage } from './upgates-fake-api.js';

const owner = { owner: [{ company: 'Firma s.r.o.' }] };
const basic = Buffer.from(`${CREDENTIALS.apiUser}:${CREDENTIALS.apiKey}`).toString('base64');

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const noSecrets = (err: Error) => {
  const text = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
  expect(text).not.toContain(CREDENTIALS.apiKey);
  expect(text).not.toContain(basic);
};

describe('UpgatesClient status handling', () => {
  it('sends Basic auth and JSON headers', async () => {
    const fake = fakeUpgates(() => ({ body: owner }));
    expect(await fake.client({ userAgent: 'test-agent/1' }).getOwner()).toEqual({ company: 'Firma s.r.o.' });
    expect(fake.requests[0]!.headers['authorization']).toBe(`Basic ${basic}`);
    expect(fake.requests[0]!.headers['user-agent']).toBe('test-agent/1');
  });

  it('401 → UpgatesAuthError without the key in it', async () => {
    const fake = fakeUpgates(() => ({ status: 401, body: { message: 'Unauthorized' } }));
    const err = await caught(fake.client().getOwner());
    expect(err).toBeInstanceOf(UpgatesAuthError);
    noSecrets(err);
  });

  it('403 → UpgatesForbiddenError naming the access', async () => {
    const fake = fakeUpgates(() => ({ status: 403 }));
    const err = await caught(fake.client().updateOrders([{ order_number: '1', status_id: 5 }], { sendEmails: false }));
    expect(err).toBeInstanceOf(UpgatesForbiddenError);
    expect((err as UpgatesForbiddenError).access).toBe('orders:PUT');
    expect(err.message).toContain('orders:PUT');
    noSecrets(err);
  });

  it.each([
    [500, UpgatesServerError],
    [503, UpgatesServerError],
    [400, UpgatesRequestError],
    [405, UpgatesRequestError],
  ])('%i → %o', async (status, type) => {
    const fake = fakeUpgates(() => ({ status }));
    expect(await caught(fake.client().getOwner())).toBeInstanceOf(type);
  });

  it('an unexpected body → UpgatesValidationError naming the resource', async () => {
    const fake = fakeUpgates(() => ({ body: listPage('orders', [{ order_number: { nested: 'x' } }], 1, 1) }));
    const err = await caught(fake.client().getOrdersByNumbers(['1']));
    expect(err).toBeInstanceOf(UpgatesValidationError);
    expect((err as UpgatesValidationError).resource).toBe('orders');
  });

  it('a personal query value never appears in error messages', async () => {
    const fake = fakeUpgates(() => ({ status: 500 }));
    const err = await caught(fake.client().listOrders({ email: 'jan.novak@example.cz' }).next());
    expect(err.message).not.toContain('jan.novak');
  });
});

describe('429', () => {
  it('a short Retry-After (GMT date) is waited out in place, never sooner', async () => {
    let first = true;
    const fake = fakeUpgates((req) => {
      if (!first) return { body: owner };
      first = false;
      const now = Math.floor(req.at / 1000) * 1000;
      return { status: 429, headers: { date: new Date(now).toUTCString(), 'retry-after': new Date(now + 1000).toUTCString() } };
    });
    await fake.client().getOwner();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('a long Retry-After is thrown as UpgatesThrottledError with the wait', async () => {
    const fake = fakeUpgates((req) => ({
      status: 429,
      headers: { date: new Date(req.at).toUTCString(), 'retry-after': new Date(req.at + 3_600_000).toUTCString() },
    }));
    const err = await caught(fake.client().getOwner());
    expect(err).toBeInstanceOf(UpgatesThrottledError);
    expect((err as UpgatesThrottledError).retryAfterMs).toBeGreaterThanOrEqual(3_600_000);
    expect((err as UpgatesThrottledError).retryAfterMs).toBeLessThan(3_602_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('without Retry-After the fallback is used', async () => {
    const fake = fakeUpgates(() => ({ status: 429 }));
    const err = await caught(fake.client({ inlineThrottleWaitMs: 0, throttleFallbackMs: 12_345 }).getOwner());
    expect((err as UpgatesThrottledError).retryAfterMs).toBeGreaterThanOrEqual(12_345);
  });
});

describe('301 move', () => {
  const NEW_ORIGIN = 'https://shop.admin.s9.upgates.com';

  it('reports the new api_url, retries once against it and keeps using it', async () => {
    const fake = fakeUpgates(
      (req) => (req.origin === NEW_ORIGIN ? { body: owner } : { status: 301, body: { api_url: `${NEW_ORIGIN}/api/v2` } }),
      [new URL(API_URL).origin, NEW_ORIGIN],
    );
    const onMoved = vi.fn(async () => {});
    const client = fake.client({ onMoved });
    await client.getOwner();
    await client.getOwner();
    expect(onMoved).toHaveBeenCalledExactlyOnceWith(`${NEW_ORIGIN}/api/v2`);
    expect(fake.requests.map((r) => r.origin)).toEqual([new URL(API_URL).origin, NEW_ORIGIN, NEW_ORIGIN]);
    expect(client.apiUrl).toBe(`${NEW_ORIGIN}/api/v2`);
  });

  it('moved again, or no api_url → UpgatesMovedError', async () => {
    const fake = fakeUpgates(() => ({ status: 301, body: { api_url: `${API_URL}` } }));
    const err = await caught(fake.client().getOwner());
    expect(err).toBeInstanceOf(UpgatesMovedError);
    expect(fake.requests).toHaveLength(2);
    const bare = fakeUpgates(() => ({ status: 301 }));
    expect(await caught(bare.client().getOwner())).toBeInstanceOf(UpgatesMovedError);
  });

  it('a failing onMoved surfaces (the move is not lost silently)', async () => {
    const fake = fakeUpgates(() => ({ status: 301, body: { api_url: 'https://shop.admin.s7.upgates.com/api/v2' } }));
    const err = await caught(fake.client({ onMoved: () => Promise.reject(new Error('db down')) }).getOwner());
    expect(err.message).toBe('db down');
  });
});

describe('network failures', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('a hung request fails after timeoutMs as a retryable UpgatesNetworkError', async () => {
    server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createUpgatesClient({
      shopToken: 'hung',
      credentials: { ...CREDENTIALS, apiUrl: `http://127.0.0.1:${port}/api/v2` },
      timeoutMs: 200,
    });
    const started = Date.now();
    const err = await caught(client.getOwner());
    expect(err).toBeInstanceOf(UpgatesNetworkError);
    expect((err as UpgatesNetworkError).timedOut).toBe(true);
    expect((err as UpgatesNetworkError).retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    noSecrets(err);
  });

  it('a reset connection is a retryable UpgatesNetworkError', async () => {
    server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createUpgatesClient({ shopToken: 'reset', credentials: { ...CREDENTIALS, apiUrl: `http://127.0.0.1:${port}/api/v2` } });
    const err = await caught(client.getOwner());
    expect(err).toBeInstanceOf(UpgatesNetworkError);
    expect((err as UpgatesNetworkError).timedOut).toBe(false);
  });
});
