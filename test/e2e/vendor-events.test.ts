// Acceptance of the signed event deliveries (issues 17.3 + 17.4): a webhook flood (duplicated, shuffled
// deliveries; orders changed, created and deleted) while the vendor's endpoint (sandbox/vendor-receiver.ts) is
// first down (connection refused), then answering 500, then acknowledging after the sender's timeout (so
// batches come again). The shop keeps syncing throughout; afterwards the events the receiver got, deduplicated
// by id, and the cursor feed read from the start both match the sandbox record by record (every record's last
// event says whether it exists), nothing is missing, and the first arrival of each id is in increasing cursor
// order. Also: the failure shows in the status document, the workflow query, the metric and the iframe; the
// deliveries end after the uninstall once everything committed is delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { startVendorReceiver, type VendorReceiver } from '../../sandbox/vendor-receiver.js';
import { createRecordStore, readLiveRecords } from '../../src/db/record-store.js';
import { createChangeSequence } from '../../src/db/change-sequence.js';
import { vendorEventDeliveries } from '../../src/db/vendor-event-deliveries.js';
import { vendorEventsWorkflowId } from '../../src/temporal/workflow-ids.js';
import type { VendorEvent } from '../../src/vendor-events/post-events.js';
import { vendorEventsStatusQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { sleep, waitMirrored, waitPhase } from './shop-sync-helpers.js';

const VENDOR = 'e2e-vendor-bootstrap-token-events-0123';
const SECRET = 'e2e-vendor-events-secret-0123456789';
const ORDERS = 80;

type Position = [number, string, string];
const positionOf = (cursor: string): Position => {
  const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: number; r?: string; i?: string };
  return [c.s, c.r ?? '', c.i ?? ''];
};
const before = (a: Position, b: Position) => a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));

describe('signed event deliveries to the vendor system', () => {
  let e2e: E2E;
  let receiver: VendorReceiver;
  let shop: SandboxShop;
  const status = () => e2e.app.temporal.workflow.getHandle(vendorEventsWorkflowId(shop.token)).query(vendorEventsStatusQuery);
  const metric = async (name: string) => {
    const text = await (await fetch(`${e2e.addonUrl}/metrics`)).text();
    const lines = text.split('\n').filter((l) => l.startsWith(name));
    return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };
  const iframeState = async () => {
    const opened = await e2e.sandbox.lifecycle.open(shop.token, { addonUrl: e2e.addonUrl, language: 'en' });
    const page = await (await fetch((opened.body as { url: string }).url)).text();
    return /data-vendor-events="(\w+)"/.exec(page)?.[1];
  };

  beforeAll(async () => {
    receiver = await startVendorReceiver({ secret: SECRET });
    e2e = await startE2E('vendor_events', {
      sandbox: { duplicateRate: 0.3, shuffle: true },
      env: {
        VENDOR_API_TOKEN: VENDOR,
        VENDOR_EVENTS_URL: receiver.url,
        VENDOR_EVENTS_SECRET: SECRET,
        VENDOR_EVENTS_TIMEOUT_SECONDS: '1',
        VENDOR_EVENTS_BATCH: '20',
        VENDOR_EVENTS_RETRY_MAX_SECONDS: '2',
        VENDOR_EVENTS_IDLE_CHECK_SECONDS: '10',
      },
    });
    shop = e2e.sandbox.createShop({ token: 'shop-vendor-events', seed: 173, orders: ORDERS, ordersSpreadDays: 30, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
  });
  afterAll(async () => {
    await e2e?.stop();
    await receiver?.stop();
  });

  it('a flood while the endpoint is down, failing and acknowledging late: every record ends as in the sandbox, in order, deduplicated by id', async () => {
    // The initial sync's records arrive while the endpoint is healthy.
    await eventually('initial events', () => receiver.batches.length > 0, 60_000, 250);
    expect(await iframeState()).toBe('delivering');

    const numbers = shop.data.orders.map((o) => String(o.order_number));
    const deleted = numbers.slice(0, 5);
    const created: string[] = [];
    const round = async (n: number) => {
      for (const num of numbers.slice(5, 45)) expect(shop.updateOrder(num, { internal_note: `events round ${n}` }).ok).toBe(true);
      if (n === 2) for (const num of deleted) expect(shop.deleteOrder(num)).toBe(true);
      if (n <= 4) for (let i = 0; i < 3; i++) created.push(shop.createOrder());
      await sleep(300);
    };

    // Down: connection refused. The shop syncs all of it meanwhile (the deliveries never hold it up).
    await receiver.setFault({ kind: 'down' });
    for (let n = 1; n <= 3; n++) await round(n);
    await waitMirrored(e2e, shop, 'orders', 150_000);
    const failing = await eventually(
      'failure noted',
      async () => {
        const s = await vendorEventDeliveries(e2e.app.db.connection).status(shop.token);
        return s?.failingSince && s.attempts >= 2 ? s : undefined;
      },
      60_000,
      500,
    );
    expect(failing.lastError).toMatch(/unreachable/);
    const query = await status();
    expect(query.pendingSince).not.toBeNull();
    expect(query).toMatchObject({ failingSince: expect.any(String), lastError: expect.stringMatching(/unreachable/) });
    expect(query.attempts).toBeGreaterThanOrEqual(2);
    expect(await iframeState()).toBe('failing');
    expect(await metric('vendor_event_delivery_failures_total')).toBeGreaterThan(0);
    expect(await eventually('failing gauge', async () => (await metric('vendor_events_failing_shops')) >= 1, 30_000, 1_000)).toBe(true);

    // 500s.
    await receiver.setFault({ kind: 'error' });
    await round(4);
    await eventually('500s answered', () => receiver.stats.refusedWithError >= 2, 60_000, 250);

    // Acknowledged after the sender's 1 s timeout: recorded here, sent again.
    await receiver.setFault({ kind: 'late-ack', delayMs: 2_500 });
    await round(5);
    await eventually('late acknowledgements', () => receiver.stats.lateAcks >= 2, 60_000, 250);

    // Slow but within the timeout: delivered once.
    await receiver.setFault({ kind: 'slow', delayMs: 300 });
    await round(6);
    await receiver.setFault({ kind: 'none' });
    const diff = await waitMirrored(e2e, shop, 'orders', 150_000);
    expect(diff.checked).toBe(ORDERS - deleted.length + created.length);

    // Caught up: the acknowledged position is the committed end, and the failure is over.
    await eventually(
      'deliveries caught up',
      async () => {
        const s = await status();
        const stored = await vendorEventDeliveries(e2e.app.db.connection).status(shop.token);
        const watermark = await createChangeSequence(e2e.app.db.models).watermark(shop.token);
        return (
          s.caughtUp && s.failingSince === null && stored?.failingSince === null && s.acked?.s === watermark && s.acked.r === undefined
        );
      },
      120_000,
      1_000,
    );
    expect(await iframeState()).toBe('delivering');

    // What the vendor's system holds, built from the events only: first arrival of each id, in arrival order.
    const seen = new Set<string>();
    const firsts: VendorEvent[] = [];
    let total = 0;
    for (const batch of receiver.batches) {
      expect(batch.body.shop).toBe(shop.token);
      for (const event of batch.body.events) {
        total++;
        expect(event.id).toBe(`${shop.token}:${positionOf(event.cursor)[0]}:${event.resource}:${event.record_id}`);
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        firsts.push(event);
      }
    }
    const outOfOrder = firsts.filter((e, i) => i > 0 && !before(positionOf(firsts[i - 1]!.cursor), positionOf(e.cursor)));
    expect(outOfOrder.map((e) => e.id)).toEqual([]);
    console.log(
      `vendor events: ${receiver.batches.length} batches, ${total} events, ${firsts.length} distinct ids (${total - firsts.length} duplicates); ` +
        `refused while down ${receiver.stats.downMs} ms, ${receiver.stats.refusedWithError} x 500, ${receiver.stats.lateAcks} late acks`,
    );
    expect(total - firsts.length).toBeGreaterThan(0); // the late acknowledgements were sent again
    expect(receiver.stats.badSignature).toBe(0);

    const lastOf = (events: Array<{ resource: string; id: string; change: string }>) => {
      const view = new Map<string, string>();
      for (const e of events) view.set(`${e.resource}/${e.id}`, e.change);
      return view;
    };
    const pushed = lastOf(firsts.map((e) => ({ resource: e.resource, id: e.record_id, change: e.change })));

    // The pull feed from the start, all resources.
    const pulledEvents: Array<{ resource: string; id: string; change: string }> = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await fetch(`${e2e.addonUrl}/api/vendor/shops/${shop.token}/changes?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${VENDOR}` },
      });
      const page = (await res.json()) as {
        changes: Array<{ resource: string; id: string; change: string }>;
        next_cursor: string;
        has_more: boolean;
      };
      pulledEvents.push(...page.changes);
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    const pulled = lastOf(pulledEvents);

    // Both match the sandbox's orders: live ones exist, deleted ones end in `deleted`, nothing else.
    const live = new Set(shop.data.orders.map((o) => String(o.order_number)));
    for (const [name, view] of [
      ['events', pushed],
      ['feed', pulled],
    ] as const) {
      const orders = new Map(
        [...view].filter(([key]) => key.startsWith('orders/')).map(([key, change]) => [key.slice('orders/'.length), change]),
      );
      const missing = [...live].filter((id) => !orders.has(id) || orders.get(id) === 'deleted');
      const extra = [...orders].filter(([id, change]) => !live.has(id) && change !== 'deleted').map(([id]) => id);
      expect({ view: name, missing, extra }).toEqual({ view: name, missing: [], extra: [] });
      for (const num of deleted) expect(orders.get(num)).toBe('deleted');
      for (const num of created) expect(orders.has(num)).toBe(true);
      // Every other resource as the mirror holds it.
      for (const resource of new Set([...view.keys()].map((k) => k.split('/')[0]!))) {
        const mirror = new Set(
          (await readLiveRecords(e2e.app.db.models.SyncedRecord, shop.token, resource, { withData: false })).map((r) => r.recordId),
        );
        const mine = new Set(
          [...view].filter(([k, c]) => k.startsWith(`${resource}/`) && c !== 'deleted').map(([k]) => k.slice(resource.length + 1)),
        );
        expect({ resource, view: name, size: mine.size }).toEqual({ resource, view: name, size: mirror.size });
        expect([...mirror].filter((id) => !mine.has(id))).toEqual([]);
      }
    }
    // The same records, each existing or deleted alike (the kinds differ: from the start everything is `created`).
    const existence = (view: Map<string, string>) => new Map([...view].map(([k, c]) => [k, c === 'deleted' ? 'deleted' : 'exists']));
    expect(existence(pushed)).toEqual(existence(pulled));
  }, 420_000);

  it('ends after the uninstall once everything committed is delivered', async () => {
    expect((await e2e.sandbox.lifecycle.uninstall(shop.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    const handle = e2e.app.temporal.workflow.getHandle(vendorEventsWorkflowId(shop.token));
    const described = await eventually(
      'vendor-events workflow completed',
      async () => {
        const d = await handle.describe();
        return d.status.name === 'COMPLETED' ? d : undefined;
      },
      90_000,
      1_000,
    );
    expect(described.status.name).toBe('COMPLETED');
    expect(await handle.result()).toMatchObject({ reason: 'uninstalled' });
  }, 120_000);

  it('a reinstall resumes from the acknowledged position: new changes arrive, nothing is sent from the start again', async () => {
    const acked = (await vendorEventDeliveries(e2e.app.db.connection).status(shop.token))!.acked!;
    const from = receiver.batches.length;
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
    const num = String(shop.data.orders.at(-1)!.order_number);
    expect(shop.updateOrder(num, { internal_note: 'after the reinstall' }).ok).toBe(true);
    await eventually(
      'the change after the reinstall delivered',
      () => receiver.batches.slice(from).some((b) => b.body.events.some((e) => e.record_id === num)),
      120_000,
      500,
    );
    const again = receiver.batches.slice(from).flatMap((b) => b.body.events);
    expect(again.filter((e) => positionOf(e.cursor)[0] <= acked.s).map((e) => e.id)).toEqual([]);
  }, 180_000);

  it('a write that nudges nobody is delivered by the idle check (a lost nudge loses nothing)', async () => {
    // Written straight into the mirror, past every activity: no nudge is sent.
    const records = createRecordStore(e2e.app.db.models);
    const at = Date.now();
    await records.upsertMany(shop.token, 'orders', [
      { recordId: 'written-without-nudge', data: { order_number: 'x' }, lastUpdateTime: new Date() },
    ]);
    await eventually(
      'delivered by the idle check',
      () => receiver.batches.some((b) => b.body.events.some((e) => e.record_id === 'written-without-nudge')),
      30_000,
      250,
    );
    console.log(`idle check delivered the unnudged write after ${Date.now() - at} ms (idle check 10 s)`);
  }, 60_000);
});
