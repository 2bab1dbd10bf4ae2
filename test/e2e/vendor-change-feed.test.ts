// Acceptance of the records API (issue 17.2): a reader following `next_cursor` over HTTP while a webhook flood
// (duplicated, shuffled deliveries; orders changed, created and deleted) syncs a shop ends with every order's
// final state, deletions included, equal to the mirror, and the mirror equals the sandbox: nothing missed, no
// stale state. Also the route's answers: one record, tombstones, 400 for a malformed or foreign cursor and
// a bad query, 401, 403 for a token scoped to another shop, 404 for an unknown shop or record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { readLiveRecords } from '../../src/db/record-store.js';
import { createVendorToken } from '../../src/db/vendor-tokens.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';
import { sleep, waitMirrored, waitPhase } from './shop-sync-helpers.js';

const VENDOR = 'e2e-vendor-bootstrap-token-feed-0123';
const ORDERS = 80;
const ROUNDS = 6;

interface Change {
  resource: string;
  id: string;
  change: 'created' | 'updated' | 'deleted';
  last_update_time: string | null;
  data: Record<string, unknown> | null;
}
interface Page {
  changes: Change[];
  next_cursor: string;
  has_more: boolean;
}

describe('vendor change feed and records API', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  const api = async (path: string, token = VENDOR) => {
    const res = await fetch(`${e2e.addonUrl}/api/vendor/shops/${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const page = async (cursor: string | undefined, limit = 25) => {
    const res = await api(`${shop.token}/changes?resources=orders&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    return res.body as unknown as Page;
  };

  beforeAll(async () => {
    e2e = await startE2E('change_feed', { sandbox: { duplicateRate: 0.3, shuffle: true }, env: { VENDOR_API_TOKEN: VENDOR } });
    shop = e2e.sandbox.createShop({ token: 'shop-change-feed', seed: 171, orders: ORDERS, ordersSpreadDays: 30, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a reader following next_cursor during a flood sees every order in its final state and every deletion', async () => {
    // What the vendor's system holds: built only from the feed.
    const view = new Map<string, Record<string, unknown> | 'deleted'>();
    const kinds = new Map<string, Set<string>>();
    let cursor: string | undefined;
    let pages = 0;
    let pagesDuringFlood = 0;
    let flooding = true;
    const apply = (p: Page) => {
      for (const c of p.changes) {
        expect(c.resource).toBe('orders');
        view.set(c.id, c.change === 'deleted' ? 'deleted' : c.data!);
        (kinds.get(c.id) ?? kinds.set(c.id, new Set()).get(c.id)!).add(c.change);
      }
      cursor = p.next_cursor;
      pages++;
      if (flooding) pagesDuringFlood++;
    };
    const reader = (async () => {
      while (flooding) {
        const p = await page(cursor);
        apply(p);
        if (!p.has_more) await sleep(100);
      }
    })();

    const numbers = shop.data.orders.map((o) => String(o.order_number));
    const deleted = numbers.slice(0, 5);
    const created: string[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const num of numbers.slice(5, 45)) expect(shop.updateOrder(num, { internal_note: `feed round ${round}` }).ok).toBe(true);
        if (round === 2) for (const num of deleted) expect(shop.deleteOrder(num)).toBe(true);
        if (round <= 3) for (let i = 0; i < 3; i++) created.push(shop.createOrder());
        await sleep(300);
      }
      const diff = await waitMirrored(e2e, shop, 'orders', 150_000);
      expect(diff.checked).toBe(ORDERS - deleted.length + created.length);
    } finally {
      flooding = false;
      await reader;
    }
    // Drain: the flood's last flush has committed (the mirror equals the sandbox).
    for (;;) {
      const p = await page(cursor, 100);
      apply(p);
      if (!p.has_more) break;
    }
    console.log(`change feed: ${pages} pages (${pagesDuringFlood} while the flood synced), ${view.size} records`);
    expect(pagesDuringFlood).toBeGreaterThan(3);

    // The view equals the mirror (which equals the sandbox, above), record by record.
    const live = await readLiveRecords(e2e.app.db.models.SyncedRecord, shop.token, 'orders');
    const mirror = new Map<string, unknown>(live.map((r) => [r.recordId, r.data]));
    const viewLive = new Map([...view].filter(([, v]) => v !== 'deleted'));
    const missing = [...mirror.keys()].filter((id) => !viewLive.has(id));
    const extra = [...viewLive.keys()].filter((id) => !mirror.has(id));
    const stale = [...mirror]
      .filter(([id, data]) => viewLive.has(id) && JSON.stringify(viewLive.get(id)) !== JSON.stringify(data))
      .map(([id]) => id);
    expect({ missing, extra, stale }).toEqual({ missing: [], extra: [], stale: [] });
    for (const num of deleted) expect(view.get(num)).toBe('deleted');
    // Created orders are in the view (above). `created` is reported when the creation is after the reader's
    // cursor; one created and changed again before a read passed its creation arrives as `updated` (documented:
    // treat both as an upsert), so only some of them need to say `created`.
    for (const num of created) expect(kinds.has(num)).toBe(true);
    expect(created.some((num) => kinds.get(num)!.has('created'))).toBe(true);
    expect([...kinds.values()].some((k) => k.has('updated'))).toBe(true);
    // Reading again from the start gives the same final state in one pass.
    const again = new Map<string, unknown>();
    let c: string | undefined;
    for (;;) {
      const p = await page(c, 1000);
      for (const ch of p.changes) again.set(ch.id, ch.change === 'deleted' ? 'deleted' : ch.data);
      c = p.next_cursor;
      if (!p.has_more) break;
    }
    expect(again).toEqual(view);
    // At the end, nothing more.
    expect((await page(cursor)).changes).toEqual([]);
  }, 300_000);

  it('GET records/:resource/:id answers one record, a tombstone, or 404', async () => {
    const live = await readLiveRecords(e2e.app.db.models.SyncedRecord, shop.token, 'orders');
    const one = live[0]!;
    const res = await api(`${shop.token}/records/orders/${one.recordId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resource: 'orders', id: one.recordId, deleted: false, data: one.data });
    const gone = await e2e.app.db.models.SyncedRecord.findOne({ shopToken: shop.token, resource: 'orders', deleted: true }).lean();
    expect(gone).not.toBeNull();
    expect((await api(`${shop.token}/records/orders/${gone!.recordId}`)).body).toMatchObject({ deleted: true, data: null });
    expect((await api(`${shop.token}/records/orders/no-such-order`)).status).toBe(404);
    expect((await api(`${shop.token}/records/nonsense/1`)).status).toBe(400);
    expect((await api(`shop-never-installed/records/orders/1`)).status).toBe(404);
  });

  it('refuses a malformed or foreign cursor, a bad query, a missing or foreign token', async () => {
    const first = await page(undefined, 1);
    expect(first.has_more).toBe(true);
    const bad = await api(`${shop.token}/changes?resources=orders&cursor=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/cursor/);
    const forged = Buffer.from(JSON.stringify({ v: 1, s: -4, f: 'orders' })).toString('base64url');
    expect((await api(`${shop.token}/changes?resources=orders&cursor=${forged}`)).status).toBe(400);
    const foreign = await api(`${shop.token}/changes?resources=products&cursor=${first.next_cursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toMatch(/resources=orders/);
    expect((await api(`${shop.token}/changes?resources=orders,bogus`)).status).toBe(400);
    expect((await api(`${shop.token}/changes?limit=0`)).status).toBe(400);
    expect((await api(`${shop.token}/changes?limit=5000`)).status).toBe(400);
    expect((await api(`${shop.token}/changes`, 'wrong-token')).status).toBe(401);
    expect((await api('shop-never-installed/changes')).status).toBe(404);
    const scoped = await createVendorToken(e2e.app.db.models.VendorToken, { name: 'other shop', shops: ['some-other-shop'] });
    expect((await api(`${shop.token}/changes`, scoped.token)).status).toBe(403);
    expect((await api(`${shop.token}/records/orders/1`, scoped.token)).status).toBe(403);
  });
});
