// The read-and-post activity of vendor-events:<token> (activities/vendor-events.ts) against FerretDB and the
// test receiver over HTTP, run in Temporal's activity test environment: one page per call in sequence order,
// ids and cursors as documented, the acknowledged position stored (a new run resumes from it), a shop erased
// and begun anew delivered from the start again, an erased shop ends the deliveries ('gone').
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { createStores } from '../../src/db/stores.js';
import { createVendorEventsActivities } from '../../activities/vendor-events.js';
import { startVendorReceiver, type VendorReceiver } from '../../sandbox/vendor-receiver.js';
import { loadConfig } from '../../src/config.js';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createRecordStore } from '../../src/db/record-store.js';
import { eraseShopData } from '../../src/db/shop-erasure.js';
import { vendorEventDeliveries } from '../../src/db/vendor-event-deliveries.js';
import { createLogger } from '../../src/logger.js';
import type { FeedPosition } from '../../src/db/change-feed.js';
import type { VendorEventsDeliveryResult } from '../../workflows/activity-types.js';

const SECRET = 'activity-test-secret-0123456789';
let db: Database;
let receiver: VendorReceiver;
const run = `vea${Date.now() % 100000}`;

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_vendor_events_${run}$2`));
  receiver = await startVendorReceiver({ secret: SECRET });
});
afterAll(async () => {
  await receiver?.stop();
  await db?.connection.dropDatabase();
  await db?.close();
});

const position = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: number; r?: string; i?: string };

describe('deliverVendorEvents', () => {
  it('delivers page by page in order, stores the position, starts over after an erasure, ends for an erased shop', async () => {
    const token = `${run}-shop`;
    const config = loadConfig({ VENDOR_EVENTS_URL: receiver.url, VENDOR_EVENTS_SECRET: SECRET, VENDOR_EVENTS_BATCH: '3' });
    const records = createRecordStore(db.models);
    const deps = { config, stores: createStores(db, { records }), logger: createLogger('silent') } as unknown as ActivityDeps;
    const { deliverVendorEvents } = createVendorEventsActivities(deps);
    const deliver = (after: FeedPosition | null): Promise<VendorEventsDeliveryResult> =>
      new MockActivityEnvironment().run(deliverVendorEvents, { shopToken: token, after });
    const version = (id: string, minute: number) => ({
      recordId: id,
      data: { id, minute },
      lastUpdateTime: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    });

    expect(await deliver(null)).toEqual({ outcome: 'gone' });
    await db.models.Shop.create({
      token,
      status: 'active',
      profile: 'expedition',
      version: 1,
      webhookKeyHash: `h-${token}`,
      webhookKeyNonce: 'n',
    });
    await records.upsertMany(
      token,
      'orders',
      ['1', '2', '3', '4'].map((id) => version(id, 1)),
    );
    await records.upsertMany(token, 'products', [version('p1', 1)]);
    await records.tombstone(token, 'orders', [{ recordId: '2', deletedAt: new Date(Date.UTC(2026, 0, 1, 0, 5)) }]);

    // Page by page from the stored position (none yet: the start).
    let after: FeedPosition | null = null;
    for (;;) {
      const result = await deliver(after);
      if (result.outcome === 'gone') throw new Error('gone');
      after = result.next;
      if (!result.hasMore) break;
    }
    const events = receiver.batches.flatMap((b) => b.body.events);
    expect(receiver.batches.every((b) => b.body.shop === token && b.body.events.length <= 3)).toBe(true);
    expect(events.map((e) => `${e.resource}/${e.record_id}:${e.change}`)).toEqual([
      'orders/1:created',
      'orders/3:created',
      'orders/4:created',
      'products/p1:created',
      'orders/2:deleted',
    ]);
    for (const e of events) expect(e.id).toBe(`${token}:${position(e.cursor).s}:${e.resource}:${e.record_id}`);
    const stored = await vendorEventDeliveries(db.connection).status(token);
    expect(stored).toMatchObject({ acked: after, delivered: 5, failingSince: null });

    // Nothing new: nothing posted. A new run (after null) resumes from the stored position.
    const batches = receiver.batches.length;
    expect(await deliver(null)).toMatchObject({ outcome: 'nothing-new', events: 0, hasMore: false, uninstalled: false });
    await records.upsertMany(token, 'orders', [version('3', 9)]);
    expect(await deliver(null)).toMatchObject({ outcome: 'delivered', events: 1 });
    expect(receiver.batches.slice(batches).flatMap((b) => b.body.events.map((e) => `${e.record_id}:${e.change}`))).toEqual(['3:updated']);

    // Erased (the retention purge) while a run still held its position, then the shop began anew: its sequence
    // restarted below that position, so the deliveries start over instead of skipping the new shop's changes.
    const held = (await vendorEventDeliveries(db.connection).status(token))!.acked!;
    await db.models.Shop.updateOne({ token }, { $set: { status: 'uninstalled', uninstalledAt: new Date(Date.UTC(2026, 0, 2)) } });
    await eraseShopData(db, records, token, new Date(Date.UTC(2026, 0, 2)));
    expect(await vendorEventDeliveries(db.connection).status(token)).toBeNull();
    expect(await deliver(held)).toEqual({ outcome: 'gone' });
    await db.models.Shop.create({
      token,
      status: 'active',
      profile: 'expedition',
      version: 1,
      webhookKeyHash: `h-${token}`,
      webhookKeyNonce: 'n',
    });
    await records.upsertMany(token, 'orders', [version('7', 1)]);
    const from = receiver.batches.length;
    expect(await deliver(held)).toMatchObject({ outcome: 'delivered', events: 1 });
    expect(receiver.batches.slice(from).flatMap((b) => b.body.events.map((e) => `${e.record_id}:${e.change}`))).toEqual(['7:created']);
  });
});
