// Acceptance: a webhook flood over 5 shops (expedition profile) with duplicated and shuffled deliveries. After
// the flood MongoDB equals the sandbox for every shop, and the flushes fetched the changed orders in the fewest
// calls: ceil(distinct ids / 100) per flush, far fewer than one call per delivered event. A reader reads the
// mirror the whole time the flood syncs and never finds a record it has seen missing or older.
// Runs on both record-store write paths: the FerretDB path (versioned insert-then-delete) with 5 shops x 100
// changed orders, and the MongoDB path (one guarded update per record) forced on FerretDB with a smaller flood,
// 1 shop x 20 changed orders: there FerretDB scans the collection for every update (~50 ms each alone, far more
// under load, all writes of the process in one queue); 5 x 100 and 2 x 50 did not drain within 150 s on a loaded
// machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { startE2E, type E2E } from '../helpers/e2e-env.js';
import { scheduledActivities, shopState, sleep, waitMirrored, waitPhase, watchMirror } from './shop-sync-helpers.js';

const ORDERS = 200;
const ROUNDS = 10; // each changed order changes this many times

// CHANGED: orders changed per shop.
describe.each([
  { writePath: 'ferretdb', SHOPS: 5, CHANGED: 100 },
  { writePath: 'mongodb', SHOPS: 1, CHANGED: 20 },
] as const)('shop sync under a webhook flood ($writePath write path)', ({ writePath, SHOPS, CHANGED }) => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E(`flood_${writePath}`, {
      sandbox: { duplicateRate: 0.3, shuffle: true },
      env: { RECORD_STORE_WRITE_PATH: writePath },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it(`${SHOPS} shops x ${CHANGED} orders x 10 changes: mirror equals the sandbox, ceil(distinct/100) GET /orders per flush, a concurrent reader never finds a synced record missing`, async () => {
    const started = Date.now();
    const shops: SandboxShop[] = Array.from({ length: SHOPS }, (_, i) =>
      e2e.sandbox.createShop({
        token: `shop-flood-${writePath}-${i}`,
        seed: 100 + i,
        orders: ORDERS,
        ordersSpreadDays: 30,
        grantedAccesses: 'all',
      }),
    );
    const installs = await Promise.all(shops.map((shop) => e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })));
    for (const r of installs) expect(r.body).toMatchObject({ error: false });
    await Promise.all(shops.map((shop) => waitPhase(e2e.app.temporal, shop.token, 'live')));
    console.log(`installed and initially synced ${SHOPS} shops in ${Date.now() - started} ms`);

    // From here on every GET /orders is a flush (no reconciliation within the test: the period is a day).
    e2e.sandbox.clearCalls();
    const deliveriesBefore = e2e.sandbox.deliveries.length;
    const floodStarted = Date.now();
    // Each read scans the whole collection on FerretDB (~1 s under load), so the reader watches one shop and pauses
    // between reads: reading all five shops without pause pushed flushes past their heartbeat timeout (retried
    // fetches, pending ids not drained in time), while the test without a reader passed on the same machine.
    const reader = watchMirror(e2e.app.db, [shops[0]!.token], 'orders', 250);
    const changed = new Map(shops.map((shop) => [shop.token, shop.data.orders.slice(0, CHANGED).map((o) => String(o.order_number))]));
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const shop of shops)
          for (const num of changed.get(shop.token)!) expect(shop.updateOrder(num, { internal_note: `round ${round}` }).ok).toBe(true);
        await sleep(300);
      }
      for (const shop of shops) {
        const diff = await waitMirrored(e2e, shop, 'orders', 150_000);
        expect(diff.checked).toBe(ORDERS);
      }
    } catch (error) {
      await reader.stop().catch(() => undefined); // no reads on a closed connection after the failure
      throw error;
    }
    const watched = await reader.stop();
    console.log(
      `${writePath} write path: flood applied and mirrored in ${Date.now() - floodStarted} ms; reader: ${watched.reads} reads, ${watched.readsSeeingChanges} saw newer versions, ${watched.violations.length} violations`,
    );
    // The reader started after the initial sync (all orders synced), read during the writes, and never lost one.
    expect(watched.firstCounts).toEqual({ [shops[0]!.token]: ORDERS });
    expect(watched.readsSeeingChanges).toBeGreaterThan(0);
    expect(watched.violations.slice(0, 10)).toEqual([]);

    let totalCalls = 0;
    let totalEvents = 0;
    for (const shop of shops) {
      const state = await shopState(e2e.app.temporal, shop.token);
      const flushes = (await scheduledActivities(e2e.app.temporal, shop.token)).filter(
        (a) => a.type === 'fetchAndUpsert' && a.input.resource === 'orders',
      );
      const calls = e2e.sandbox.calls.filter((c) => c.shopToken === shop.token && c.method === 'GET' && /\/orders$/.test(c.path));
      const retried = flushes.filter((f) => f.attempts > 1);
      if (retried.length)
        console.log(
          `${shop.token}: retried fetches`,
          retried.map((f) => `${f.attempts} attempts: ${f.lastFailure}`),
        );
      expect(retried).toEqual([]); // a retry re-fetches: it would cost calls and means something failed
      const expected = flushes.reduce((sum, f) => {
        const ids = f.input.ids as string[];
        expect(new Set(ids).size).toBe(ids.length); // distinct ids per flush
        return sum + Math.ceil(ids.length / 100);
      }, 0);
      // Ids fetched are exactly the changed ones: nothing else was touched, nothing changed was left out.
      expect(new Set(flushes.flatMap((f) => f.input.ids as string[]))).toEqual(new Set(changed.get(shop.token)));
      expect(calls.every((c) => c.status === 200)).toBe(true);
      expect(calls.length).toBe(expected);
      expect(e2e.sandbox.maxConcurrency(shop.token)).toBeLessThanOrEqual(3);
      const events = e2e.sandbox.deliveries
        .slice(deliveriesBefore)
        .filter((d) => d.shopToken === shop.token && d.state === 'delivered' && d.event.startsWith('Orders.'))
        .reduce((sum, d) => sum + d.records, 0);
      expect(events).toBeGreaterThanOrEqual(CHANGED * ROUNDS); // every change delivered at least once (plus duplicates)
      console.log(
        `${shop.token}: ${events} webhook records in ${state.stats.flushes} flushes (${flushes.length} order fetches: ${flushes.map((f) => (f.input.ids as string[]).length).join(', ')} ids) -> ${calls.length} GET /orders`,
      );
      totalCalls += calls.length;
      totalEvents += events;
    }
    console.log(
      `API calls vs one call per delivered event: ${totalCalls} / ${totalEvents} = ${(totalCalls / totalEvents).toFixed(4)} (${(totalEvents / totalCalls).toFixed(0)}x fewer)`,
    );
    expect(totalCalls * 20).toBeLessThan(totalEvents);
  }, 300_000);
});
