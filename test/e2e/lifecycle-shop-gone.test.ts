// Fault (issue 14.3): a shop workflow whose shop is gone (uninstalled without the uninstall signal reaching
// it, e.g. Temporal was down) must end by itself instead of retrying "shop uninstalled" every minute forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalShopIfRunning } from '../../src/temporal/shop-workflow-client.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { credentialsChangedSignal } from '../../workflows/messages.js';
import { eventually, startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';

describe('shop workflow of a shop that is gone', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('lc_shop_gone');
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('ends by itself at its next API step', async () => {
    const shop = e2e.sandbox.createShop({ token: 'lc-gone-1', seed: 71, orders: 5, grantedAccesses: 'all' });
    expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    await waitShopLive(e2e, shop.token);
    // The uninstall as the route records it, with no signal to the shop workflow (as when Temporal was down).
    await e2e.app.db.models.Shop.updateOne({ token: shop.token }, { $set: { status: 'uninstalled', credentials: null } });
    // Any API step now finds the shop gone: here the re-check after new credentials.
    expect(await signalShopIfRunning(e2e.app.temporal, shop.token, credentialsChangedSignal)).toBe(true);
    const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token));
    const status = await eventually(
      'shop workflow ended',
      async () => {
        const s = (await handle.describe()).status.name;
        return s === 'RUNNING' ? undefined : s;
      },
      20_000,
      250,
    );
    expect(status).toBe('COMPLETED');
  }, 120_000);
});
