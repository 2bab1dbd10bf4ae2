// Replays our table of documented Upgates requests against the sandbox: at least 95 % must answer with the
// documented status and top-level key (issue 13.4).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, type SandboxShop, startSandbox } from '../../sandbox/index.js';
import { DOCUMENTED_REQUESTS } from '../../sandbox/documented-requests.js';
import { type Loose, api } from './helpers.js';

let sb: Sandbox;
let shop: SandboxShop;

beforeAll(async () => {
  sb = await startSandbox();
  shop = sb.createShop({ token: 'doc-shop', seed: 11, orders: 120, products: 60, customers: 10, preinstalled: true });
});
afterAll(() => sb.stop());

it('answers the documented requests with the documented status and top-level key (>= 95 %)', async () => {
  const vars: Record<string, string> = {};
  const first = async (path: string, key: string, field: string): Promise<string> => {
    const r = await api(shop, 'GET', path);
    return String((r.body as Loose)[key][0][field]);
  };
  vars.__ORDER__ = await first('/orders', 'orders', 'order_number');
  vars.__STATUS__ = await first('/order-statuses', 'order_statuses', 'id');
  vars.__PRODUCT__ = await first('/products', 'products', 'code');
  const fill = (s: string): string => s.replace(/__[A-Z_]+__/g, (m) => vars[m] ?? m);
  const mismatches: string[] = [];
  for (const d of DOCUMENTED_REQUESTS) {
    const path = fill(d.path);
    const body = d.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(d.body)));
    const r = await api(shop, d.method, path, body);
    const b = r.body as Loose;
    if (r.status !== d.status || typeof b !== 'object' || b === null || !(d.key in b)) {
      mismatches.push(`${d.method} ${path}: ${r.status} ${JSON.stringify(b).slice(0, 120)}`);
      continue;
    }
    // Later rows address what earlier rows created.
    if (d.method === 'POST' && d.path === '/order-statuses') vars.__NEW_STATUS__ = String(b.order_status.id);
    if (d.method === 'POST' && d.path === '/parameters') vars.__NEW_PARAMETER__ = String(b.parameters[0].id);
  }
  const share = (DOCUMENTED_REQUESTS.length - mismatches.length) / DOCUMENTED_REQUESTS.length;
  console.log(`documented requests matched: ${(share * 100).toFixed(1)} % of ${DOCUMENTED_REQUESTS.length}`, mismatches);
  expect(share).toBeGreaterThanOrEqual(0.95);
});
