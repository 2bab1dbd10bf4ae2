// Issue 16.1: one record that breaks the schema among many changed ones. The others sync, exactly the bad id is
// quarantined (MongoDB, the iframe and the metric show it), and once Upgates sends the record in a valid shape
// again, "sync now" fetches it and clears the quarantine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { waitPhase } from './shop-sync-helpers.js';

async function gauge(name: string): Promise<number | undefined> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value;
}

describe('shop sync: a poison record is quarantined, the rest goes on', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  beforeAll(async () => {
    e2e = await startE2E('poison', { env: { SYNC_NOW_COOLDOWN_SECONDS: '1' } });
    shop = e2e.sandbox.createShop({ token: 'shop-poison-1', seed: 93, orders: 150, ordersSpreadDays: 30, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await waitPhase(e2e.app.temporal, shop.token, 'live');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('syncs the other changed records, quarantines exactly the bad id, shows it, and clears it after a fix + sync now', async () => {
    const quarantine = e2e.app.db.connection.collection('quarantined_records');
    const changed = shop.data.orders.slice(0, 120).map((o) => String(o.order_number));
    const bad = changed[57]!;
    const badEmail = String((shop.data.orders[57]!.customer as { email?: string } | undefined)?.email ?? '');
    shop.corruptOrders.add(bad);
    for (const num of changed) expect(shop.updateOrder(num, { internal_note: 'mass change' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();

    // Every changed record but the bad one reaches the mirror (today: the whole batch fails and waits 10 minutes).
    const diff = await eventually(
      'the 119 good records synced',
      async () => {
        const d = await diffMirror(e2e.app.db, shop, 'orders');
        return d.missing.length === 0 && d.extra.length === 0 && d.stale.length === 1 ? d : undefined;
      },
      90_000,
      1_000,
    );
    expect(diff.stale).toEqual([bad]);

    const entries = await eventually('the bad id quarantined', async () => {
      const docs = await quarantine.find({ shopToken: shop.token }).toArray();
      return docs.length > 0 ? docs : undefined;
    });
    expect(entries.map((d) => [d.resource, d.recordId])).toEqual([['orders', bad]]);
    const entry = entries[0]!;
    expect(String(entry.error)).toContain('last_update_time');
    if (badEmail) expect(String(entry.error)).not.toContain(badEmail);
    expect(entry.attempts).toBeGreaterThanOrEqual(1);
    expect(entry.firstSeenAt).toBeInstanceOf(Date);
    expect(entry.lastSeenAt).toBeInstanceOf(Date);

    // The iframe shows the count and the id.
    const opened = await e2e.sandbox.lifecycle.open(shop.token, { addonUrl: e2e.addonUrl, language: 'en' });
    const page = await (await fetch((opened.body as { url: string }).url)).text();
    expect(page).toMatch(/data-quarantined="1"/);
    expect(page).toContain(`orders ${bad}`);
    // And the metric (read from MongoDB at scrape).
    await eventually('quarantine gauge 1', async () => (await gauge('upgates_quarantined_records')) === 1, 30_000, 1_000);

    // Upgates sends the record in a valid shape again; "sync now" retries the quarantine and clears it.
    shop.corruptOrders.delete(bad);
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token));
    await eventually('sync now accepted', async () => (await handle.executeUpdate(syncNowUpdate)).accepted, 30_000, 1_000);
    await eventually('quarantine cleared', async () => (await quarantine.countDocuments({ shopToken: shop.token })) === 0, 60_000, 1_000);
    const after = await diffMirror(e2e.app.db, shop, 'orders');
    expect(after.missing.length + after.extra.length + after.stale.length).toBe(0);
    const pageAfter = await (await fetch((opened.body as { url: string }).url)).text();
    expect(pageAfter).not.toContain(`orders ${bad}`);
  }, 240_000);
});
