// A scripted Upgates for unit tests: undici MockAgent routes every request to a handler and records it.
import { MockAgent } from 'undici';
import { createUpgatesClient, type CreateUpgatesClientOptions } from '../../src/upgates/client.js';

export interface FakeRequest {
  origin: string;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Raw query string, to check how ids were encoded. */
  search: string;
  body: unknown;
  headers: Record<string, string>;
  at: number;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest) => FakeReply;

export const ORIGIN = 'https://shop.admin.s1.upgates.com';
export const API_URL = `${ORIGIN}/api/v2`;
export const CREDENTIALS = { apiUser: 'addon-user', apiKey: 'sup3r-s3cret-api-key', apiUrl: API_URL };

export function fakeUpgates(handler: FakeHandler, origins: string[] = [ORIGIN]) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const requests: FakeRequest[] = [];
  for (const origin of origins) {
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const url = new URL(opts.path, origin);
        const headers = Object.fromEntries(
          Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
        );
        const req: FakeRequest = {
          origin,
          method: opts.method,
          path: url.pathname,
          query: url.searchParams,
          search: url.search,
          body: typeof opts.body === 'string' ? (JSON.parse(opts.body) as unknown) : undefined,
          headers,
          at: Date.now(),
        };
        requests.push(req);
        const reply = handler(req);
        return {
          statusCode: reply.status ?? 200,
          data: reply.body === undefined ? '' : JSON.stringify(reply.body),
          responseOptions: { headers: { 'content-type': 'application/json', ...reply.headers } },
        };
      })
      .persist();
  }
  const client = (options: Partial<CreateUpgatesClientOptions> = {}) =>
    createUpgatesClient({ shopToken: `shop-${Math.random()}`, credentials: CREDENTIALS, dispatcher: agent, ...options });
  return { agent, requests, client };
}

/** A list response page the way Upgates shapes it. */
export function listPage(key: string, items: unknown[], page: number, numberOfPages: number, numberOfItems = items.length) {
  return {
    current_page: page,
    current_page_items: items.length,
    number_of_pages: numberOfPages,
    number_of_items: numberOfItems,
    [key]: items,
  };
}
