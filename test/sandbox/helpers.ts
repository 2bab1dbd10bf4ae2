// Test helpers: an API client for a sandbox shop and a tiny HTTP receiver standing in for the add-on.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxShop } from '../../sandbox/index.js';

export function basic(user: string, key: string): string {
  return `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;
}

/** Tests walk arbitrary JSON bodies; a loose type keeps assertions readable. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Loose;
}

export async function api(
  shop: SandboxShop,
  method: string,
  path: string,
  body?: unknown,
  opts: { base?: string; auth?: string } = {},
): Promise<ApiResponse> {
  const c = shop.credentials;
  const res = await fetch(`${opts.base ?? shop.apiUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      authorization: opts.auth ?? (c ? basic(c.apiUser, c.apiKey) : ''),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Loose;
  at: number;
}

/** Records every POST; `respond` decides status/body/delay per request. */
export async function startReceiver(respond: (r: Received) => { status?: number; body?: unknown; delayMs?: number } = () => ({})) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* not JSON */
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      received.push(r);
      const out = respond(r);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
        res.end(out.body === undefined ? '{}' : JSON.stringify(out.body));
      };
      if (out.delayMs) setTimeout(send, out.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
