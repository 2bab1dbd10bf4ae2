// Issue 13.2: Upgates blocks an IP for an hour after 5 failed logins, so one shop whose key went stale must
// cost exactly one failed login, whatever runs for it afterwards (flush, reconciliation, "sync now"), while
// the other shops served from the same IP keep working; a new activation with new credentials lifts the stop.
// The sandbox counts failed logins per IP here (its default, as Upgates documents).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { credentialsRejectedAt, credentialsRejectedNotice } from '../../src/shops/api-access-state.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { syncNowUpdate } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { scheduledActivities, sleep, waitMirrored, waitPhase } from './shop-sync-helpers.js';

describe('API 401: one failed login per stale shop, then a latch until new credentials', () => {
  let e2e: E2E;
  let stale: SandboxShop;
  let healthy: SandboxShop;
  beforeAll(async () => {
    e2e = await startE2E('api_401_latch', { env: { RECONCILE_PERIOD_SECONDS: '10', SYNC_NOW_COOLDOWN_SECONDS: '1' } });
    expect(e2e.sandbox.config.failedLoginScope).toBe('ip');
    stale = e2e.sandbox.createShop({ token: 'latch-stale', seed: 401, orders: 12, products: 4 });
    healthy = e2e.sandbox.createShop({ token: 'latch-healthy', seed: 402, orders: 12, products: 4 });
    for (const shop of [stale, healthy]) {
      expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    }
    await Promise.all([stale, healthy].map((shop) => waitPhase(e2e.app.temporal, shop.token, 'live')));
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const shopDoc = (token: string) => e2e.app.db.models.Shop.findOne({ token }).lean();
  const failedLoginsOf = (apiUser: string) => e2e.sandbox.failedLogins.filter((f) => f.apiUser === apiUser);

  it('a changed key costs one failed login; flush, reconciliation and "sync now" afterwards send nothing', async () => {
    const healthChecks = async () =>
      (await scheduledActivities(e2e.app.temporal, stale.token)).filter((a) => a.type === 'checkWebhookHealth').length;
    const checksBefore = await healthChecks();
    const oldUser = stale.credentials!.apiUser;
    stale.changeApiKey();
    const orders = stale.data.orders.slice(0, 2).map((o) => String(o.order_number));
    // A webhook makes the shop workflow flush: its fetch meets the 401 and latches the shop.
    expect(stale.updateOrder(orders[0]!, { internal_note: 'changed after the key was regenerated' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    const latched = await eventually(
      'credentials latch stored',
      async () => credentialsRejectedAt((await shopDoc(stale.token))!) ?? undefined,
      60_000,
      250,
    );
    expect(latched).toBeInstanceOf(Date);

    // "Sync now" and the scheduled reconciliation (every 10 s) run for the shop after the latch; each starts
    // with the webhook check, which clientForShop refuses before any request. (A failed step waits 60 s.)
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(stale.token));
    expect(await handle.executeUpdate(syncNowUpdate)).toMatchObject({ accepted: true });
    await eventually(
      'sync now and a reconciliation ran after the latch',
      async () => (await healthChecks()) >= checksBefore + 2,
      120_000,
      1_000,
    );
    await sleep(2_000);

    expect(failedLoginsOf(oldUser)).toHaveLength(1);
    // Not retried: the activity that met the 401 ran once.
    const fetches = (await scheduledActivities(e2e.app.temporal, stale.token)).filter((a) => a.type === 'fetchAndUpsert');
    expect(fetches.every((a) => a.attempts === 1)).toBe(true);
    // The workflow is not failed, and the iframe says what to do.
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(credentialsRejectedNotice((await shopDoc(stale.token))!, 'en')).toMatch(/Activate the add-on again/);
  });

  it('the other shop on the same IP keeps syncing', async () => {
    const order = String(healthy.data.orders[0]!.order_number);
    expect(healthy.updateOrder(order, { internal_note: 'still synced next to a stale shop' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    const diff = await waitMirrored(e2e, healthy);
    expect(diff.checked).toBe(12);
    expect(credentialsRejectedAt((await shopDoc(healthy.token))!)).toBeNull();
  });

  it('a new activation with new credentials lifts the latch and the shop syncs again', async () => {
    const changedWhileStopped = String(stale.data.orders[3]!.order_number);
    expect(stale.updateOrder(changedWhileStopped, { internal_note: 'changed while the shop was stopped' }).ok).toBe(true);
    await e2e.sandbox.flushWebhooks();
    expect((await diffMirror(e2e.app.db, stale, 'orders')).stale).toContain(changedWhileStopped);

    const before = (await shopDoc(stale.token))!.credentialsVersion ?? 0;
    expect((await e2e.sandbox.lifecycle.install(stale.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    const doc = await eventually('new credentials stored', async () => {
      const d = await shopDoc(stale.token);
      return (d?.credentialsVersion ?? 0) > before ? d : undefined;
    });
    expect(credentialsRejectedAt(doc!)).toBeNull();
    // New credentials: the workflow re-checks webhooks and catches up what changed while it was stopped.
    const diff = await eventually(
      'stale shop caught up',
      async () => {
        const d = await diffMirror(e2e.app.db, stale, 'orders');
        return d.missing.length + d.stale.length + d.extra.length === 0 ? d : undefined;
      },
      90_000,
      1_000,
    );
    expect(diff.checked).toBe(12);
    expect(failedLoginsOf(stale.credentials!.apiUser)).toHaveLength(0);
  });
});
