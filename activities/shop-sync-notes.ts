// The shop workflow's last step of a flush: how long the newest webhook waited for the mirror (a metric), and
// that webhook's time for the iframe, kept in shop_sync_notes, never in the shop document (see the store).
import { shopFlushLag } from '../src/metrics/fleet.js';
import type { ActivityDeps } from './deps.js';

export function createShopSyncNoteActivities(deps: ActivityDeps) {
  return {
    async noteShopSync(input: { shopToken: string; lastWebhookAt: string | null; lastFlushAt: string | null }): Promise<void> {
      const { shopToken, lastWebhookAt, lastFlushAt } = input;
      if (lastWebhookAt && lastFlushAt && lastFlushAt >= lastWebhookAt)
        shopFlushLag.observe((Date.parse(lastFlushAt) - Date.parse(lastWebhookAt)) / 1000);
      if (lastWebhookAt) await deps.stores.syncNotes.noteWebhook(shopToken, new Date(lastWebhookAt));
    },
  };
}
