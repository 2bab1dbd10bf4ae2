// The shop's lifecycle in one place (issue 15.1): every status change goes through a named step here, and
// which status each step may start from is data (SHOP_TRANSITIONS), checked in the update's filter, so a late
// or duplicate step (a retried activity, a callback repeated by Upgates) changes nothing instead of undoing a
// newer state. Routes and activities call these steps; none writes `status` itself.
//
// On FerretDB an update rewrites the whole document (README, FerretDB differences), so the steps here are the
// only writers of the lifecycle fields, and nothing that runs after every flush writes the shop document.
// The other writes to the shop document (settings, service suspension, version notices, what Upgates' 401/403
// and 301 answers leave) are named operations here too, each writing exactly the fields it names; routes and
// activities read and write the shop document only through this store.
import type { ProjectionType, Types } from 'mongoose';
import type { ShopDoc, ShopModel } from './models/shop.js';
import { accessesNotGranted } from '../shops/api-access-state.js';
import type { ApiMoveRefusal } from '../shops/api-move-refusal.js';
import type { Access } from '../upgates/resources.js';

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

/** A shop document as read (lean); a projection reads fewer fields, named by the caller's type parameter. */
export type StoredShop = ShopDoc & { _id: Types.ObjectId | string };

/** The vendor's service state (PUT /api/vendor/shops/:token/service). */
export interface ServiceState {
  state: 'active' | 'suspended';
  reason: string | null;
  since: Date;
}

export function createShopStore(Shop: ShopModel) {
  /** The shop's document (or the projected fields), or null for an unknown token. */
  async function findByToken<T = StoredShop>(token: string, projection?: ProjectionType<ShopDoc>): Promise<T | null> {
    // By `_id` first (a shop created since shops are keyed by token), then by `token` (one stored before, or none:
    // a first install pays the scan once).
    const byId = await (projection ? Shop.findOne({ _id: token }, projection) : Shop.findOne({ _id: token })).lean<T>();
    if (byId) return byId;
    return (projection ? Shop.findOne({ token }, projection) : Shop.findOne({ token })).lean<T>();
  }

  return {
    findByToken,

    /** True while the shop is uninstalled (a reinstall since makes it false). */
    async isUninstalled(token: string): Promise<boolean> {
      return (await Shop.exists({ token, status: 'uninstalled' })) !== null;
    },

    async beginInstall(input: BeginInstallInput): Promise<BeginInstallOutcome> {
      const { token, credentials } = input;
      const existing = await findByToken<{ status: ShopStatus; webhookKeyNonce: string }>(token, { status: 1, webhookKeyNonce: 1 });
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
          _id: token, // see the model: the one filter FerretDB answers from an index
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

    /** Uninstalls recorded but not started in Temporal yet (the worker's sweep, src/temporal/uninstall-sweep.ts). */
    async pendingUninstalls(limit: number): Promise<PendingUninstall[]> {
      const pending = await Shop.find(
        { status: 'uninstalled', pendingUninstall: { $ne: null } },
        { token: 1, pendingUninstall: 1, purgeAfter: 1 },
      )
        .limit(limit)
        .lean();
      return pending.map((shop) => ({ token: shop.token, uninstalledAt: shop.pendingUninstall!, purgeAfter: shop.purgeAfter ?? null }));
    },

    /** Clears only this uninstall's intent: a reinstall and a new uninstall meanwhile carry another uninstalledAt. */
    async clearPendingUninstall(token: string, uninstalledAt: Date): Promise<void> {
      await Shop.updateOne({ token, pendingUninstall: uninstalledAt }, { $set: { pendingUninstall: null } });
    },

    /** The iframe's settings form: the submitted keys only (`settings.<key>`), never on an uninstalled shop. */
    async saveSettings(token: string, values: Record<string, unknown>): Promise<void> {
      const set = Object.fromEntries(Object.entries(values).map(([key, value]) => [`settings.${key}`, value]));
      if (Object.keys(set).length) await Shop.updateOne({ token, status: { $ne: 'uninstalled' } }, { $set: set });
    },

    /** The vendor's service state; false when the shop is unknown or uninstalled (nothing written). */
    async setServiceState(token: string, service: ServiceState): Promise<boolean> {
      const stored = await Shop.updateOne({ token, status: { $ne: 'uninstalled' } }, { $set: { service } });
      return stored.matchedCount > 0;
    },

    /** A version change to an Upgates identifier we cannot map: the shop keeps its version, the iframe says so. */
    async noteUnmappedVersion(token: string, upgatesVersion: string, at = new Date()): Promise<void> {
      await Shop.updateOne({ token }, { $set: { versionNotice: { upgatesVersion, at } } });
    },

    /** Upgates' version identifier the shop runs now; clears a notice of an earlier unmapped one. */
    async setUpgatesVersion(token: string, upgatesVersion: string): Promise<void> {
      await Shop.updateOne({ token }, { $set: { upgatesVersion, versionNotice: null } });
    },

    /** 401: conditional on the version, so a 401 to old credentials never latches the new ones a reactivation stored. */
    async recordCredentialsRejected(token: string, credentialsVersion: number, at = new Date()): Promise<void> {
      await Shop.updateOne({ token, credentialsVersion }, { $set: { credentialsRejected: { at, credentialsVersion } } });
    },

    /** 403 on every call (login block or inactive API user): no call before `until`. */
    async recordLoginBlocked(token: string, until: Date): Promise<void> {
      await Shop.updateOne({ token }, { $set: { loginBlockedUntil: until } });
    },

    /**
     * 403 while the login works: adds the access for the current credentials and version, dropping entries of
     * older ones. A read-modify-write (FerretDB has no reliable conditional array update); a lost race only
     * means the access is found again.
     */
    async recordAccessNotGranted(token: string, access: Access, current: { credentialsVersion: number; version: number }): Promise<void> {
      const shop = await Shop.findOne({ token }, { accessesNotGranted: 1, credentialsVersion: 1, version: 1 }).lean();
      if (!shop || (shop.credentialsVersion ?? 0) !== current.credentialsVersion || shop.version !== current.version) return;
      const known = accessesNotGranted(shop);
      if (known.includes(access)) return;
      const entries = [...known, access].map((a) => ({
        access: a,
        at: new Date(),
        credentialsVersion: current.credentialsVersion,
        version: current.version,
      }));
      await Shop.updateOne({ token, credentialsVersion: current.credentialsVersion }, { $set: { accessesNotGranted: entries } });
    },

    /** A 301 to a host outside the API host policy, for the credentials it was seen with (src/shops/api-move-refusal.ts). */
    async recordApiMoveRefusal(token: string, refusal: ApiMoveRefusal): Promise<void> {
      await Shop.updateOne({ token, credentialsVersion: refusal.credentialsVersion }, { $set: { apiMoveRefused: refusal } });
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
