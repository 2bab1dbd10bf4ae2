// The shop's lifecycle in one place (issue 15.1): every status change goes through a named step here, and
// which status each step may start from is data (SHOP_TRANSITIONS), checked in the update's filter, so a late
// or duplicate step (a retried activity, a callback repeated by Upgates) changes nothing instead of undoing a
// newer state. Routes and activities call these steps; none writes `status` itself.
//
// On FerretDB an update rewrites the whole document (README, FerretDB differences), so the steps here are the
// only writers of the lifecycle fields, and nothing that runs after every flush writes the shop document.
import type { Types } from 'mongoose';
import type { ShopModel } from './models/shop.js';

export type ShopStatus = 'installing' | 'active' | 'failed' | 'uninstalled';

/** Each step's allowed starting statuses and the status it leaves. A step from any other status is a no-op. */
export const SHOP_TRANSITIONS = {
  /** An activation of a shop we know that is not active: a retry, or a reinstall after an uninstall. */
  restartInstall: { from: ['installing', 'failed', 'uninstalled'], to: 'installing' },
  /** The install workflow finished its steps (again, after a retried activity: no change). */
  markActive: { from: ['installing', 'active'], to: 'active' },
  /** The owner fetch was refused for good; only an install still running can fail. */
  markInstallFailed: { from: ['installing'], to: 'failed' },
  /** The uninstall callback; only the first of repeated callbacks changes anything. */
  markUninstalled: { from: ['installing', 'active', 'failed'], to: 'uninstalled' },
} as const satisfies Record<string, { from: readonly ShopStatus[]; to: ShopStatus }>;

export type ShopStep = keyof typeof SHOP_TRANSITIONS;

const fromFilter = (step: ShopStep) => ({ status: { $in: [...SHOP_TRANSITIONS[step].from] } });

export type EncryptedCredentials = { v: number; iv: string; tag: string; data: string };

export interface BeginInstallInput {
  token: string;
  credentials: EncryptedCredentials;
  profile: string;
  /** Manifest version to run. */
  version: number;
  upgatesVersion: string;
  language: string;
  /** A fresh webhook URL nonce and the keyed hash of the URL key it gives (src/security/webhook-key.ts). */
  newWebhookKey(): { nonce: string; hash: string };
  /** The hash for an existing nonce (a retry keeps the URLs it may have registered already). */
  webhookKeyHashFor(nonce: string): string;
}

/** What an activation found: a new shop, an installed one (new credentials only), a retry, or a reinstall. */
export type BeginInstallOutcome = 'created' | 'already-active' | 'retry' | 'reinstall';

export interface PendingUninstall {
  token: string;
  uninstalledAt: Date;
  purgeAfter: Date | null;
}

export function createShopStore(Shop: ShopModel) {
  return {
    async beginInstall(input: BeginInstallInput): Promise<BeginInstallOutcome> {
      const { token, credentials } = input;
      const existing = await Shop.findOne({ token }, { status: 1, webhookKeyNonce: 1 }).lean();
      if (existing?.status === 'active') {
        await Shop.updateOne({ token }, { $set: { credentials, language: input.language }, $inc: { credentialsVersion: 1 } });
        return 'already-active';
      }
      if (existing) {
        const reinstall = existing.status === 'uninstalled';
        // A reinstall gets new webhook URLs (the old ones may still be registered somewhere); a retry keeps its own.
        const key = reinstall
          ? input.newWebhookKey()
          : { nonce: existing.webhookKeyNonce, hash: input.webhookKeyHashFor(existing.webhookKeyNonce) };
        await Shop.updateOne(
          { token, ...fromFilter('restartInstall') },
          {
            $set: {
              status: SHOP_TRANSITIONS.restartInstall.to,
              credentials,
              version: input.version,
              upgatesVersion: input.upgatesVersion,
              versionNotice: null,
              profile: input.profile,
              language: input.language,
              installError: null,
              webhookKeyNonce: key.nonce,
              webhookKeyHash: key.hash,
            },
            $inc: { credentialsVersion: 1 },
          },
        );
        return reinstall ? 'reinstall' : 'retry';
      }
      const key = input.newWebhookKey();
      try {
        await Shop.create({
          token,
          status: 'installing',
          profile: input.profile,
          version: input.version,
          upgatesVersion: input.upgatesVersion,
          language: input.language,
          credentials,
          webhookKeyNonce: key.nonce,
          webhookKeyHash: key.hash,
        });
        return 'created';
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        // A concurrent duplicate callback created it first: just refresh the credentials.
        await Shop.updateOne({ token }, { $set: { credentials }, $inc: { credentialsVersion: 1 } });
        return 'retry';
      }
    },

    async pairAccount(token: string, accountId: Types.ObjectId, projectName: string | null): Promise<void> {
      await Shop.updateOne({ token }, { $set: { accountId, projectName } });
    },

    async markInstallFailed(token: string, message: string): Promise<void> {
      await Shop.updateOne(
        { token, ...fromFilter('markInstallFailed') },
        { $set: { status: SHOP_TRANSITIONS.markInstallFailed.to, installError: message } },
      );
    },

    async markActive(token: string, now = new Date()): Promise<void> {
      await Shop.updateOne(
        { token, ...fromFilter('markActive') },
        { $set: { status: SHOP_TRANSITIONS.markActive.to, installedAt: now, installError: null, uninstalledAt: null, purgeAfter: null } },
      );
    },

    /**
     * Uninstalled now: credentials dropped and the uninstall recorded as a durable intent in the same write
     * (src/shops/uninstall-intent.ts). The first callback gets the intent; a repeat finds it, if still pending.
     */
    async markUninstalled(token: string, now: Date, purgeAfter: Date): Promise<PendingUninstall | null> {
      const result = await Shop.updateOne(
        { token, ...fromFilter('markUninstalled') },
        {
          $set: { status: SHOP_TRANSITIONS.markUninstalled.to, credentials: null, uninstalledAt: now, purgeAfter, pendingUninstall: now },
          $inc: { credentialsVersion: 1 },
        },
      );
      if (result.modifiedCount > 0) return { token, uninstalledAt: now, purgeAfter };
      const shop = await Shop.findOne({ token, status: 'uninstalled' }, { pendingUninstall: 1, purgeAfter: 1 }).lean();
      return shop?.pendingUninstall ? { token, uninstalledAt: shop.pendingUninstall, purgeAfter: shop.purgeAfter ?? null } : null;
    },

    /** The manifest version the shop runs now (after a version change applied its diff). */
    async setManifestVersion(token: string, version: number): Promise<void> {
      await Shop.updateOne({ token }, { $set: { version } });
    },

    /**
     * Upgates moved the shop to another API URL: new credentials blob, conditional on the version the caller
     * read, so a move noticed with old credentials never overwrites credentials a reactivation stored.
     */
    async rotateCredentials(token: string, readAtVersion: number | null | undefined, credentials: EncryptedCredentials): Promise<void> {
      await Shop.updateOne({ token, credentialsVersion: readAtVersion }, { $set: { credentials }, $inc: { credentialsVersion: 1 } });
    },
  };
}

export type ShopStore = ReturnType<typeof createShopStore>;
