// Uninstall follow-up: stop the shop workflow, and after the retention period erase everything of the shop.
import { uninstallSignal } from '../workflows/messages.js';
import { signalShopIfRunning } from '../src/temporal/shop-workflow-client.js';
import type { ActivityDeps } from './deps.js';

export function createUninstallActivities(deps: ActivityDeps) {
  const { shops, erasure } = deps.stores;
  return {
    async stopShopWorkflow({ shopToken }: { shopToken: string }) {
      await signalShopIfRunning(deps.temporal, shopToken, uninstallSignal);
      // Give the reconciliation slot back for the next install (issue 18.4), unless the shop came back meanwhile.
      if (await shops.isUninstalled(shopToken)) await deps.stores.reconcileSlots.release(shopToken);
    },

    async purgeShopData({ shopToken, uninstalledAt }: { shopToken: string; uninstalledAt: string }) {
      // Only when the shop is still uninstalled from that same uninstall (a reinstall cancels the purge).
      const shop = await shops.findByToken(shopToken);
      if (!shop || shop.status !== 'uninstalled' || shop.uninstalledAt?.toISOString() !== uninstalledAt)
        return { purged: false, records: 0 };
      // Everything stored for the shop, its own document last (issue 21; README, Personal data).
      const erased = await erasure.eraseShop(shopToken, shop.uninstalledAt);
      deps.logger.info({ shopToken, ...erased }, 'purged the shop after the retention period');
      return { purged: true, records: erased.records };
    },
  };
}
