// Version change: apply the manifest diff (webhooks, conversion codes), record the version, and tell the
// workflow which newly needed resources to sync.
import type { AddonProfileName } from '../src/config.js';
import { diffProfiles, getProfile } from '../src/profiles/index.js';
import { isMirrored } from '../src/upgates/resources.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { SyncResource } from '../workflows/lib/pending-set.js';
import type { ActivityDeps } from './deps.js';
import { applyConversionCodeDiff } from './conversion-codes.js';
import { clientForShop } from './shop-context.js';
import { reconcileWebhooks } from './webhook-registration.js';

export function createVersionChangeActivities(deps: ActivityDeps) {
  return {
    async applyVersionChange({ shopToken, fromVersion, toVersion }: { shopToken: string; fromVersion: number; toVersion: number }) {
      try {
        const { shop, client } = await clientForShop(deps, shopToken);
        const name = shop.profile as AddonProfileName;
        const from = getProfile(name, fromVersion);
        const to = getProfile(name, toVersion);
        const diff = diffProfiles(from, to);
        // Reconcile to the full wanted set (not only the diff) so a half-applied earlier attempt converges.
        await reconcileWebhooks(
          client,
          (event) => deps.webhookKeys.urlFor(shopToken, shop.webhookKeyNonce, event),
          to.webhookEvents,
          diff.webhooksToRemove,
        );
        await applyConversionCodeDiff(client, from, to);
        await deps.stores.shops.setManifestVersion(shopToken, toVersion);
        return { resourcesToSync: diff.resourcesToSync.filter(isMirrored) as SyncResource[] };
      } catch (error) {
        throw toTemporalFailure(error);
      }
    },
  };
}
