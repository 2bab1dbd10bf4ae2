// Loads a shop and builds its Upgates client inside an activity. Credentials are decrypted here and only
// here, live for the duration of one activity, and never leave it (not in results, errors or logs).
import { ApplicationFailure } from '@temporalio/common';
import type { AddonProfileName } from '../src/config.js';
import type { ShopDoc } from '../src/db/models/shop.js';
import { getProfile } from '../src/profiles/index.js';
import type { ProfileVersion } from '../src/profiles/types.js';
import { activeApiMoveRefusal, recordApiMoveRefusal } from '../src/shops/api-move-refusal.js';
import { apiHostPolicyFor } from '../src/upgates/api-host-policy.js';
import { createUpgatesClient, type UpgatesClient } from '../src/upgates/client.js';
import type { Access } from '../src/upgates/resources.js';
import type { ActivityDeps } from './deps.js';

export type LoadedShop = ShopDoc & { _id: unknown };

export async function loadShop(deps: ActivityDeps, shopToken: string): Promise<LoadedShop> {
  const shop = await deps.db.models.Shop.findOne({ token: shopToken }).lean<LoadedShop>();
  if (!shop) throw ApplicationFailure.nonRetryable(`Unknown shop ${shopToken}`, 'UnknownShop');
  return shop;
}

export function profileOf(shop: Pick<ShopDoc, 'profile' | 'version'>): ProfileVersion {
  return getProfile(shop.profile as AddonProfileName, shop.version);
}

export function declaredCallsPerDay(profile: ProfileVersion): Partial<Record<Access, number>> {
  const out: Partial<Record<Access, number>> = {};
  for (const declaration of profile.accesses) out[declaration.access] = (out[declaration.access] ?? 0) + declaration.expectedCallsPerDay;
  return out;
}

/** An Upgates client for the shop, or a non-retryable failure when it has no credentials (uninstalled). */
export async function clientForShop(
  deps: ActivityDeps,
  shopToken: string,
): Promise<{ shop: LoadedShop; client: UpgatesClient; profile: ProfileVersion }> {
  const shop = await loadShop(deps, shopToken);
  if (!shop.credentials || shop.status === 'uninstalled') {
    throw ApplicationFailure.nonRetryable(`Shop ${shopToken} has no API access (uninstalled)`, 'ShopUninstalled');
  }
  const refusal = activeApiMoveRefusal(shop);
  if (refusal) {
    // A 301 pointed at a host outside the API host policy: no request for this shop until a new activation.
    throw ApplicationFailure.nonRetryable(`Shop ${shopToken} API calls stopped: refused move to ${refusal.host}`, 'ApiMoveRefused');
  }
  const credentials = deps.cipher.decrypt(shop.credentials as Parameters<typeof deps.cipher.decrypt>[0], shopToken);
  const profile = profileOf(shop);
  const client = createUpgatesClient({
    shopToken,
    credentials,
    ledger: deps.ledger,
    declaredCallsPerDay: declaredCallsPerDay(profile),
    timeoutMs: deps.upgatesTimeoutMs ?? 30_000,
    apiHostPolicy: apiHostPolicyFor(deps.config.env, deps.config.upgates.apiHosts),
    onMoveRefused: async (refusedApiUrl, reason) => {
      await recordApiMoveRefusal(deps.db.models.Shop, shopToken, shop.credentialsVersion ?? 0, refusedApiUrl, reason);
      deps.logger.warn({ shopToken, reason }, 'shop move to a host outside the API host policy refused; its API calls stop');
    },
    onMoved: async (newApiUrl) => {
      // Upgates moved the shop to another server: store the new URL for every later call.
      const blob = deps.cipher.encrypt({ ...credentials, apiUrl: newApiUrl }, shopToken);
      await deps.db.models.Shop.updateOne(
        { token: shopToken, credentialsVersion: shop.credentialsVersion },
        { $set: { credentials: blob }, $inc: { credentialsVersion: 1 } },
      );
      deps.logger.info({ shopToken }, 'shop moved to a new API URL; stored');
    },
  });
  return { shop, client, profile };
}
