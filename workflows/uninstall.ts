// uninstall:<token> — the shop is already marked uninstalled by the callback route (late webhooks are ignored
// from that moment). This workflow stops the shop workflow, keeps the synced data for the retention period
// on a durable timer, and purges it after; a reinstall within the period cancels the purge.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { UninstallActivities } from './activity-types.js';

export interface UninstallInput {
  shopToken: string;
  uninstalledAt: string;
  retentionMs: number;
}

export const cancelPurgeSignal = defineSignal('cancelPurge');

const api = proxyActivities<UninstallActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export async function uninstallWorkflow(input: UninstallInput): Promise<{ purged: boolean; records: number }> {
  let cancelled = false;
  setHandler(cancelPurgeSignal, () => {
    cancelled = true;
  });
  await api.stopShopWorkflow({ shopToken: input.shopToken });
  const expired = !(await condition(() => cancelled, input.retentionMs));
  if (!expired) return { purged: false, records: 0 };
  // The activity re-checks the shop is still uninstalled since `uninstalledAt`, so a reinstall that
  // raced with the timer is never purged.
  return await api.purgeShopData({ shopToken: input.shopToken, uninstalledAt: input.uninstalledAt });
}
