// Install steps: read the owner and create or pair our account (no form), plan, activate, hand over.
import { ApplicationFailure } from '@temporalio/common';
import type { InstalledSignal } from '../workflows/messages.js';
import { installedSignal } from '../workflows/messages.js';
import { signalWithStartShop } from '../src/temporal/shop-workflow-client.js';
import { UpgatesAuthError, UpgatesForbiddenError, UpgatesLoginBlockedError } from '../src/upgates/errors.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop, loadShop, profileOf } from './shop-context.js';

/** Messages the shop owner sees in the Upgates admin when activation fails; each says what to do. */
export const INSTALL_MESSAGES = {
  credentials:
    'Upgates rejected the API access created for this add-on (HTTP 401). Please deactivate the add-on and activate it again; if this repeats, contact our support.',
  ownerAccess:
    'The add-on is not allowed to read the shop owner details (HTTP 403). Please check that the add-on has the "Owner" API access in Upgates and activate it again.',
  unavailable:
    'Upgates did not answer while we were reading the shop owner details. Please try activating the add-on again in a few minutes.',
  loginBlocked:
    'Upgates is temporarily refusing API logins from our servers (HTTP 403 after failed logins, for up to an hour). Please try activating the add-on again in an hour.',
};

export function createInstallActivities(deps: ActivityDeps) {
  const { shops, accounts } = deps.stores;
  return {
    async fetchOwnerAndPairAccount({ shopToken }: { shopToken: string }): Promise<{ projectName: string | null }> {
      let owner: Record<string, unknown>;
      try {
        const { client } = await clientForShop(deps, shopToken);
        owner = (await client.getOwner({ priority: 'mandatory' })) as Record<string, unknown>;
      } catch (error) {
        // The owner is waiting for the answer: a block that lasts up to an hour is an answer, not a retry.
        if (error instanceof UpgatesLoginBlockedError || (error instanceof ApplicationFailure && error.type === 'UpgatesLoginBlockedError'))
          throw ApplicationFailure.nonRetryable(INSTALL_MESSAGES.loginBlocked, 'LoginBlocked');
        if (error instanceof ApplicationFailure) throw error;
        if (error instanceof UpgatesAuthError) throw ApplicationFailure.nonRetryable(INSTALL_MESSAGES.credentials, 'CredentialsRejected');
        if (error instanceof UpgatesForbiddenError)
          throw ApplicationFailure.nonRetryable(INSTALL_MESSAGES.ownerAccess, 'OwnerAccessDenied');
        const failure = toTemporalFailure(error);
        if (failure instanceof ApplicationFailure && failure.nonRetryable)
          throw ApplicationFailure.nonRetryable(INSTALL_MESSAGES.unavailable, 'OwnerUnreadable');
        throw failure;
      }
      const str = (key: string) => (typeof owner[key] === 'string' && (owner[key] as string).trim() ? (owner[key] as string).trim() : null);
      const companyNumber = str('company_number');
      const email = str('email')?.toLowerCase() ?? null;
      const country = str('country_id');
      // One owner with several shops gets one account: pair by company number, else e-mail, else the shop.
      const pairingKey = companyNumber ? `company:${country ?? ''}:${companyNumber}` : email ? `email:${email}` : `shop:${shopToken}`;
      const accountId = await accounts.pairOwner(
        pairingKey,
        {
          company: str('company'),
          companyNumber,
          email,
          contactName: [str('firstname'), str('surname')].filter(Boolean).join(' ') || null,
          language: str('language_id'),
          country,
        },
        shopToken,
      );
      await shops.pairAccount(shopToken, accountId, str('company'));
      return { projectName: str('company') };
    },

    async markInstallFailed({ shopToken, message }: { shopToken: string; message: string }) {
      await shops.markInstallFailed(shopToken, message);
    },

    async planInstall({ shopToken }: { shopToken: string }) {
      const shop = await loadShop(deps, shopToken);
      const profile = profileOf(shop);
      // A reinstall within the retention period keeps the mirror: catch up from the uninstall instead of
      // downloading everything again.
      const hasData = shop.uninstalledAt ? await deps.stores.records.hasRecords(shopToken) : false;
      const installed: InstalledSignal = hasData
        ? {
            profile: shop.profile,
            version: shop.version,
            mode: 'catch-up',
            catchUpFrom: new Date(shop.uninstalledAt!.getTime() - 60 * 60 * 1000).toISOString(),
          }
        : { profile: shop.profile, version: shop.version, mode: 'full' };
      // The least-loaded reconciliation slot, held until uninstall (issue 18.4); the shop workflow reconciles at it.
      installed.reconcileSlotFraction = (await deps.stores.reconcileSlots.claim(shopToken)).fraction;
      return { profile: shop.profile, version: shop.version, webhookEvents: profile.webhookEvents, installed };
    },

    async markShopActive({ shopToken }: { shopToken: string }) {
      await shops.markActive(shopToken);
    },

    async handOverToShopWorkflow({ shopToken, installed }: { shopToken: string; installed: InstalledSignal }) {
      const shop = await loadShop(deps, shopToken);
      if (shop.status !== 'active') return; // uninstalled meanwhile: do not resurrect the shop workflow
      await signalWithStartShop(deps.temporal, deps.config, shopToken, shop.profile, installedSignal, installed);
    },
  };
}
