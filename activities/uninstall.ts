// Uninstall follow-up: stop the shop workflow, and after the retention period purge the mirror.
import { uninstallSignal } from '../workflows/messages.js';
import { signalShopIfRunning } from '../src/temporal/shop-workflow-client.js';
import { shopFlushLag } from '../src/metrics/fleet.js';
import type { ActivityDeps } from './deps.js';

export function createUninstallActivities(deps: ActivityDeps) {
  const { Shop } = deps.db.models;
  return {
    async stopShopWorkflow({ shopToken }: { shopToken: string }) {
      await signalShopIfRunning(deps.temporal, shopToken, uninstallSignal);
    },

    async purgeShopData({ shopToken, uninstalledAt }: { shopToken: string; uninstalledAt: string }) {
      // Only when the shop is still uninstalled from that same uninstall (a reinstall cancels the purge).
      const shop = await Shop.findOne({ token: shopToken }).lean();
      if (!shop || shop.status !== 'uninstalled' || shop.uninstalledAt?.toISOString() !== uninstalledAt)
        return { purged: false, records: 0 };
      const records = await deps.records.purgeShop(shopToken);
      await Shop.updateOne({ token: shopToken, status: 'uninstalled' }, { $set: { settings: {}, projectName: null, purgeAfter: null } });
      deps.logger.info({ shopToken, records }, 'purged synced data after retention period');
      return { purged: true, records };
    },

    async noteShopSync({
      shopToken,
      lastWebhookAt,
      lastFlushAt,
    }: {
      shopToken: string;
      lastWebhookAt: string | null;
      lastFlushAt: string | null;
      phase: string;
    }) {
      // A flush that carried webhook events: how long the newest of them waited for the mirror.
      if (lastWebhookAt && lastFlushAt && lastFlushAt >= lastWebhookAt)
        shopFlushLag.observe((Date.parse(lastFlushAt) - Date.parse(lastWebhookAt)) / 1000);
      if (lastWebhookAt) await Shop.updateOne({ token: shopToken }, { $set: { lastWebhookAt: new Date(lastWebhookAt) } });
    },
  };
}
