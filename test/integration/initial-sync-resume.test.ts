// syncPages (activities/sync-records.ts) against the sandbox over HTTP and the real store: an attempt that
// fails mid-way (its third store write fails, with the next wave already in flight) leaves a checkpoint in its
// heartbeat details naming only written pages; the retried attempt, given those details as Temporal would,
// fetches only the pages after the checkpoint and the mirror ends equal to the sandbox, nothing missing.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncActivities } from '../../activities/sync-records.js';
import type { ActivityDeps } from '../../activities/deps.js';
import type { PageCheckpoint } from '../../activities/page-waves.js';
import { createRecordStore, type RecordStore } from '../../src/db/record-store.js';
import { createStores } from '../../src/db/stores.js';
import { createLogger } from '../../src/logger.js';
import { createCredentialsCipher } from '../../src/security/credentials-cipher.js';
import { createWebhookUrlKeys } from '../../src/shops/webhook-url-key.js';
import { MemoryUsageLedger } from '../../src/upgates/usage-ledger.js';
import { startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('sync_resume');
}, 120_000);
afterAll(async () => {
  await e2e?.stop();
});

function activityDeps(records: RecordStore): ActivityDeps {
  const { config } = e2e.app;
  return {
    config,
    stores: createStores(e2e.app.db, { records }),
    temporal: e2e.app.temporal,
    logger: createLogger('error', 'test'),
    cipher: createCredentialsCipher(config.appSecret),
    ledger: new MemoryUsageLedger(),
    webhookKeys: createWebhookUrlKeys(config.appSecret, config.publicUrl),
    upgatesTimeoutMs: 5_000,
  };
}

describe('initial sync resumes after its last written page', () => {
  it('a retried attempt fetches only the pages after the checkpoint and misses none', { timeout: 300_000 }, async () => {
    const shop = e2e.sandbox.createShop({ token: 'resume-shop', seed: 5, orders: 1_050, ordersSpreadDays: 20, grantedAccesses: 'all' });
    e2e.sandbox.faults.set(shop.token, { latencyMs: 20 });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    await waitShopLive(e2e, shop.token, 180_000);
    // The workflow's own sync is done; start over from an empty mirror of orders.
    await e2e.app.db.models.SyncedRecord.deleteMany({ shopToken: shop.token, resource: 'orders' });
    const input = {
      shopToken: shop.token,
      resource: 'orders' as const,
      fromPage: 1,
      maxPages: 30,
      creationTimeFrom: new Date(Date.now() - 365 * 86400_000).toISOString(),
      priority: 'mandatory' as const,
    };
    const ordersCalls = () => e2e.sandbox.calls.filter((c) => c.shopToken === shop.token && c.path.endsWith('/orders')).length;

    // Attempt 1: the third write (pages 8-10; the first page is written with the first wave, 1-4) fails.
    const store = createRecordStore(e2e.app.db.models);
    let writes = 0;
    const failing: RecordStore = {
      ...store,
      async upsertMany(...args: Parameters<RecordStore['upsertMany']>) {
        if (++writes === 3) throw new Error('store unavailable');
        return store.upsertMany(...args);
      },
    };
    const first = new MockActivityEnvironment();
    const beats: unknown[] = [];
    first.on('heartbeat', (details: unknown) => beats.push(details));
    const before = ordersCalls();
    await expect(first.run(createSyncActivities(activityDeps(failing)).syncPages, input)).rejects.toThrow();
    const checkpoint = beats.filter((b): b is PageCheckpoint => !!b && typeof b === 'object' && 'writtenThrough' in b).at(-1)!;
    expect(checkpoint).toMatchObject({ resource: 'orders', fromPage: 1, writtenThrough: 7, records: 700, totalPages: 11 });
    const stored = await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource: 'orders' });
    expect(stored).toBe(700); // what the checkpoint claims is written, and not more
    // The attempt's waves shared one change claim; its failure committed it (closed in a finally), so the feed
    // is not held back until a reader finds the claim stale.
    const claims = await e2e.app.db.models.RecordChangeClaim.find({ shopToken: shop.token }, { seq: 1, kind: 1 }).lean();
    const ended = new Set(claims.filter((c) => c.kind === 'end').map((c) => c.seq));
    expect(claims.filter((c) => c.kind === 'claim' && !ended.has(c.seq))).toEqual([]);
    const firstCalls = ordersCalls() - before;
    expect(firstCalls).toBeGreaterThanOrEqual(10); // pages 1-7 and the wave being written (8-10), maybe 11 too

    // Attempt 2: Temporal hands the last heartbeat details to the retry.
    const retry = new MockActivityEnvironment({ heartbeatDetails: checkpoint, attempt: 2 });
    const beforeRetry = ordersCalls();
    const result = await retry.run(createSyncActivities(activityDeps(store)).syncPages, input);
    expect(ordersCalls() - beforeRetry).toBe(11 - 7); // pages 8-11 only
    expect(result).toEqual({ nextPage: null, totalPages: 11, records: 1_050 });
    const inLookback = (o: Record<string, unknown>) => Date.parse(String(o.creation_time)) >= Date.parse(input.creationTimeFrom);
    const diff = await diffMirror(e2e.app.db, shop, 'orders', inLookback);
    expect(diff.missing).toEqual([]);
    expect(diff.stale).toEqual([]);
    expect(diff.extra).toEqual([]);
  });

  // Issue 18.5 (fleet): on FerretDB every filter but a lone `_id` scans the whole collection, so the read a
  // non-first write starts with costs time in proportion to every shop's records (the fleet bench measured
  // 540 ms per read at 105 shops, half of the worker's database time). A first sync of a code list must
  // insert first like the paginated resources do; a later one (since a time) must still compare.
  it('a first sync of a code list inserts without reading the mirror; a second one changes nothing', { timeout: 120_000 }, async () => {
    const shop = e2e.sandbox.createShop({ token: 'codelist-shop', seed: 6, orders: 3, grantedAccesses: 'all' });
    const store = createRecordStore(e2e.app.db.models);
    const writes: Array<{ resource: string; expectNew: boolean }> = [];
    const observed: RecordStore = {
      ...store,
      async upsertMany(...args: Parameters<RecordStore['upsertMany']>) {
        writes.push({ resource: args[1], expectNew: args[4]?.expectNew === true });
        return store.upsertMany(...args);
      },
    };
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    await waitShopLive(e2e, shop.token, 120_000);
    // The workflow's own sync is done; start over from an empty mirror of order statuses.
    await e2e.app.db.models.SyncedRecord.deleteMany({ shopToken: shop.token, resource: 'orderStatuses' });
    const syncPages = createSyncActivities(activityDeps(observed)).syncPages;
    const input = { shopToken: shop.token, resource: 'orderStatuses' as const, fromPage: 1, maxPages: 60, priority: 'mandatory' as const };
    const first = (await new MockActivityEnvironment().run(syncPages, input)) as { records: number };
    expect(writes).toEqual([{ resource: 'orderStatuses', expectNew: true }]);
    const diff = await diffMirror(e2e.app.db, shop, 'orderStatuses');
    expect(diff).toMatchObject({ missing: [], stale: [], extra: [] });
    expect(first.records).toBeGreaterThan(0);

    // Again as a first sync (a version change's re-sync over kept data): the inserts collide, every record
    // takes the compare path, and identical data is no change (no new sequence number).
    const seqBefore = await e2e.app.db.models.SyncedRecord.find({ shopToken: shop.token }, { seq: 1 }).lean();
    await new MockActivityEnvironment().run(syncPages, input);
    const seqAfter = await e2e.app.db.models.SyncedRecord.find({ shopToken: shop.token }, { seq: 1 }).lean();
    expect(seqAfter.map((d) => d.seq).sort()).toEqual(seqBefore.map((d) => d.seq).sort());
    expect(await diffMirror(e2e.app.db, shop, 'orderStatuses')).toMatchObject({ missing: [], stale: [], extra: [] });

    // Since a time (a catch-up): compare first, as before.
    writes.length = 0;
    await new MockActivityEnvironment().run(syncPages, { ...input, lastUpdateTimeFrom: new Date(Date.now() - 3_600_000).toISOString() });
    expect(writes).toEqual([{ resource: 'orderStatuses', expectNew: false }]);
  });

  // Issue 18.2: the code lists of an initial sync in one activity, fetched together and written under one change
  // claim (before: a plan and a syncPages each, two claim statements per list). A list whose access Upgates did
  // not grant counts 0 and the others are still synced.
  it('syncCodeLists mirrors every list under one change claim and skips a list not granted', { timeout: 120_000 }, async () => {
    const shop = e2e.sandbox.createShop({ token: 'codelists-together', seed: 7, orders: 3, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    await waitShopLive(e2e, shop.token, 120_000);
    const lists = ['orderStatuses', 'languages', 'shipments', 'payments'] as const;
    await e2e.app.db.models.SyncedRecord.deleteMany({ shopToken: shop.token, resource: { $in: [...lists] } });
    const claims = () => e2e.app.db.models.RecordChangeClaim.countDocuments({ shopToken: shop.token });
    const claimsBefore = await claims();
    const callsBefore = e2e.sandbox.calls.filter((c) => c.shopToken === shop.token).length;
    const syncCodeLists = createSyncActivities(activityDeps(createRecordStore(e2e.app.db.models))).syncCodeLists;
    const run = (expectNew: boolean) =>
      new MockActivityEnvironment().run(syncCodeLists, {
        shopToken: shop.token,
        resources: [...lists],
        priority: 'mandatory' as const,
        expectNew,
      }) as Promise<{ records: Partial<Record<(typeof lists)[number], number>> }>;
    const result = await run(true);
    for (const list of lists) {
      expect(await diffMirror(e2e.app.db, shop, list)).toMatchObject({ missing: [], stale: [], extra: [] });
      expect(result.records[list]).toBeGreaterThan(0);
    }
    expect((await claims()) - claimsBefore).toBe(2); // one claim and its end for the four lists
    expect(e2e.sandbox.calls.filter((c) => c.shopToken === shop.token).length - callsBefore).toBe(lists.length);

    // Payments no longer granted: 0 for it, the others synced.
    shop.grantedAccesses = ['orderStatuses:GET', 'languages:GET', 'shipments:GET'];
    const partial = await run(false);
    expect(partial.records).toMatchObject({ payments: 0 });
    expect(partial.records.orderStatuses).toBeGreaterThan(0);
  });
});
