// Webhook registration as a reconciler: GET first, then create what is missing, re-enable what Upgates
// deactivated (after 12 h of failed deliveries, or a permission change), fix URLs that point elsewhere,
// delete our own duplicates and the events this version no longer wants. Safe to run any number of times.
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop } from './shop-context.js';

const NAME_PREFIX = 'addon:';

export interface WebhookReconcileResult {
  created: number;
  reenabled: number;
  existing: number;
  removed: number;
  inactiveFound: number;
  missingFound: number;
}

export async function reconcileWebhooks(
  client: UpgatesClient,
  urlFor: (event: string) => string,
  wanted: string[],
  remove: string[] = [],
): Promise<WebhookReconcileResult> {
  const result: WebhookReconcileResult = { created: 0, reenabled: 0, existing: 0, removed: 0, inactiveFound: 0, missingFound: 0 };
  const all = await client.listWebhooks({ priority: 'mandatory' });
  const ours = all.filter((w) => String(w.name ?? '').startsWith(NAME_PREFIX));
  const toDelete: Array<string | number> = [];
  for (const event of wanted) {
    const url = urlFor(event);
    const matches = ours.filter((w) => w.event === event);
    const [keep, ...duplicates] = [...matches].sort((a, b) => Number(isActive(b)) - Number(isActive(a)));
    toDelete.push(...duplicates.map((w) => w.id as string | number));
    if (!keep) {
      result.missingFound++;
      await client.createWebhook({ name: `${NAME_PREFIX}${event}`, url, event, active_yn: true }, { priority: 'mandatory' });
      result.created++;
    } else if (!isActive(keep) || keep.url !== url) {
      if (!isActive(keep)) result.inactiveFound++;
      await client.updateWebhook({ id: keep.id as string | number, url, active_yn: true }, { priority: 'mandatory' });
      result.reenabled++;
    } else {
      result.existing++;
    }
  }
  for (const w of ours) if (remove.includes(String(w.event)) && !wanted.includes(String(w.event))) toDelete.push(w.id as string | number);
  if (toDelete.length) {
    await client.deleteWebhooks(toDelete, { priority: 'mandatory' });
    result.removed = toDelete.length;
  }
  return result;
}

function isActive(webhook: { active_yn?: unknown }): boolean {
  return webhook.active_yn === true || webhook.active_yn === 1 || webhook.active_yn === '1' || webhook.active_yn === 'true';
}

export function createWebhookActivities(deps: ActivityDeps) {
  return {
    async registerWebhooks({ shopToken, events, removeEvents }: { shopToken: string; events: string[]; removeEvents?: string[] }) {
      try {
        const { shop, client } = await clientForShop(deps, shopToken);
        const r = await reconcileWebhooks(
          client,
          (event) => deps.webhookKeys.urlFor(shopToken, shop.webhookKeyNonce, event),
          events,
          removeEvents,
        );
        return { created: r.created, reenabled: r.reenabled, existing: r.existing, removed: r.removed };
      } catch (error) {
        throw toTemporalFailure(error);
      }
    },

    async checkWebhookHealth({ shopToken }: { shopToken: string }) {
      try {
        const { shop, client, profile } = await clientForShop(deps, shopToken);
        const r = await reconcileWebhooks(
          client,
          (event) => deps.webhookKeys.urlFor(shopToken, shop.webhookKeyNonce, event),
          profile.webhookEvents,
        );
        return {
          healthy: r.inactiveFound === 0 && r.missingFound === 0,
          repaired: r.created + r.reenabled,
          inactiveFound: r.inactiveFound,
          missingFound: r.missingFound,
        };
      } catch (error) {
        throw toTemporalFailure(error);
      }
    },
  };
}
