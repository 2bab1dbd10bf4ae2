// Loads a shop and builds its Upgates client inside an activity. Credentials are decrypted here and only
// here, live for the duration of one activity, and never leave it (not in results, errors or logs).
import { ApplicationFailure } from '@temporalio/common';
import type { AddonProfileName } from '../src/config.js';
import type { ShopDoc } from '../src/db/models/shop.js';
import { getProfile } from '../src/profiles/index.js';
import type { ProfileVersion } from '../src/profiles/types.js';
import { accessesNotGranted, activeLoginBlock, credentialsRejectedAt } from '../src/shops/api-access-state.js';
import { activeApiMoveRefusal, apiMoveRefusalOf } from '../src/shops/api-move-refusal.js';
import { activeSuspension, ledgerRefusingWhenSuspended, suspendedMessage } from '../src/shops/service-suspension.js';
import { apiHostPolicyFor } from '../src/upgates/api-host-policy.js';
import { createUpgatesClient, type UpgatesClient } from '../src/upgates/client.js';
import { UpgatesAccessNotGrantedError } from '../src/upgates/errors.js';
import type { Access } from '../src/upgates/resources.js';
import type { ActivityDeps } from './deps.js';

export type LoadedShop = ShopDoc & { _id: unknown };

export async function loadShop(deps: { stores: Pick<ActivityDeps['stores'], 'shops'> }, shopToken: string): Promise<LoadedShop> {
  const shop = await deps.stores.shops.findByToken<LoadedShop>(shopToken);
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
  const suspension = activeSuspension(shop);
  if (suspension) {
    // The vendor suspended the service: not one Upgates request for this shop until it is resumed.
    throw ApplicationFailure.nonRetryable(suspendedMessage(suspension.reason), 'ServiceSuspended');
  }
  const refusal = activeApiMoveRefusal(shop);
  if (refusal) {
    // A 301 pointed at a host outside the API host policy: no request for this shop until a new activation.
    throw ApplicationFailure.nonRetryable(`Shop ${shopToken} API calls stopped: refused move to ${refusal.host}`, 'ApiMoveRefused');
  }
  refuseWhileApiAccessStopped(shop);
  const credentials = deps.cipher.decrypt(shop.credentials as Parameters<typeof deps.cipher.decrypt>[0], shopToken);
  const profile = profileOf(shop);
  const credentialsVersion = shop.credentialsVersion ?? 0;
  const { shops } = deps.stores;
  const client = createUpgatesClient({
    shopToken,
    credentials,
    // Re-checked before every request: an activity running when the suspension lands stops before its next call.
    ledger: ledgerRefusingWhenSuspended(deps.ledger, shopToken, () => shops.findByToken(shopToken, { service: 1 })),
    declaredCallsPerDay: declaredCallsPerDay(profile),
    timeoutMs: deps.upgatesTimeoutMs ?? 30_000,
    apiHostPolicy: apiHostPolicyFor(deps.config.env, deps.config.upgates.apiHosts),
    classifyForbidden: true,
    notGranted: new Set(accessesNotGranted(shop)),
    onCredentialsRejected: async () => {
      await shops.recordCredentialsRejected(shopToken, credentialsVersion);
      deps.logger.warn({ shopToken }, 'Upgates rejected the shop credentials (401); its API calls stop until a new activation');
    },
    onAccessNotGranted: async (access) => {
      await shops.recordAccessNotGranted(shopToken, access, { credentialsVersion, version: shop.version });
      deps.logger.warn({ shopToken, access }, 'Upgates did not grant this access (403); skipped from now on');
    },
    onLoginBlocked: async (until) => {
      await shops.recordLoginBlocked(shopToken, until);
      deps.logger.warn({ shopToken, until }, 'Upgates refuses every call (403: login block or inactive API user); waiting');
    },
    onMoveRefused: async (refusedApiUrl, reason) => {
      await shops.recordApiMoveRefusal(shopToken, apiMoveRefusalOf(refusedApiUrl, reason, shop.credentialsVersion ?? 0));
      deps.logger.warn({ shopToken, reason }, 'shop move to a host outside the API host policy refused; its API calls stop');
    },
    onMoved: async (newApiUrl) => {
      // Upgates moved the shop to another server: store the new URL for every later call.
      const blob = deps.cipher.encrypt({ ...credentials, apiUrl: newApiUrl }, shopToken);
      await shops.rotateCredentials(shopToken, shop.credentialsVersion, blob);
      deps.logger.info({ shopToken }, 'shop moved to a new API URL; stored');
    },
  });
  return { shop, client, profile };
}

/** Before any request: a 401 latch or a running login block stops the shop's calls (api-access-state.ts). */
function refuseWhileApiAccessStopped(shop: LoadedShop): void {
  if (credentialsRejectedAt(shop)) {
    // No retry: only new credentials (a new activation) can help, and every try is a failed login.
    throw ApplicationFailure.nonRetryable(
      `Shop ${shop.token} API calls stopped: Upgates rejected its credentials (401)`,
      'CredentialsRejected',
    );
  }
  const blockedUntil = activeLoginBlock(shop);
  if (blockedUntil) {
    // Retryable: Temporal schedules the next attempt when the block ends; the workflow does not fail.
    throw ApplicationFailure.create({
      type: 'UpgatesLoginBlockedError',
      message: `Shop ${shop.token} API calls wait: Upgates refuses logins until ${blockedUntil.toISOString()} (403)`,
      nonRetryable: false,
      nextRetryDelay: Math.max(1_000, blockedUntil.getTime() - Date.now()),
    });
  }
}

/**
 * Runs `work`; when Upgates refused an access as not granted (recorded on the shop by the client), answers
 * `skipped` instead, so the activity goes on with the other resources and the workflow with the next step.
 */
export async function skipNotGranted<T>(skipped: T, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UpgatesAccessNotGrantedError) return skipped;
    throw error;
  }
}
