// A shop that installed the add-on, keyed by Upgates' `token` (the stable e-shop identifier; apiUrl can change).
import { Schema, Types, type Connection, type InferSchemaType, type Model } from 'mongoose';

const encryptedBlob = new Schema({ v: Number, iv: String, tag: String, data: String }, { _id: false });

const shopSchema = new Schema(
  {
    /**
     * The token for a shop created by an install (shop-store.ts beginInstall): FerretDB 1.24 answers only a lone
     * `_id` filter from an index, and the shop is read before every activity's API calls. Shops stored before
     * have an ObjectId (the default here); the store finds them by `token`.
     */
    _id: { type: Schema.Types.Mixed, default: () => new Types.ObjectId() },
    token: { type: String, required: true, unique: true },
    status: { type: String, enum: ['installing', 'active', 'failed', 'uninstalled'], required: true },
    profile: { type: String, required: true },
    version: { type: Number, required: true },
    /** Upgates' own identifier of the add-on version (UPGATES_VERSIONS maps it to `version`, the manifest). */
    upgatesVersion: { type: String, default: null },
    /** A version change to an identifier UPGATES_VERSIONS does not map: refused, the shop kept its version. */
    versionNotice: { type: new Schema({ upgatesVersion: String, at: Date }, { _id: false }), default: null },
    language: { type: String, default: 'cs' },
    /** AES-256-GCM ciphertext of {apiUser, apiKey, apiUrl}; null after uninstall. */
    credentials: { type: encryptedBlob, default: null },
    /** Bumped on every credential change, so a running activity can tell its copy is stale. */
    credentialsVersion: { type: Number, default: 0 },
    /** Keyed hash of the secret in our webhook URLs (`/upgates/webhooks/:key`); see src/shops/webhook-url-key.ts. */
    webhookKeyHash: { type: String, required: true, unique: true },
    webhookKeyNonce: { type: String, required: true },
    accountId: { type: Schema.Types.ObjectId, default: null },
    projectName: { type: String, default: null },
    installError: { type: String, default: null },
    settings: { type: Schema.Types.Mixed, default: {} },
    installedAt: { type: Date, default: null },
    uninstalledAt: { type: Date, default: null },
    purgeAfter: { type: Date, default: null },
    /**
     * Durable uninstall intent: the `uninstalledAt` of an uninstall whose workflow Temporal has not yet accepted
     * (it was down). The worker's sweep (src/temporal/uninstall-sweep.ts) starts it and clears this.
     */
    pendingUninstall: { type: Date, default: null },
    /** Written by releases before shop_sync_notes (src/db/shop-sync-notes.ts); read only as a fallback now. */
    lastWebhookAt: { type: Date, default: null },
    /**
     * A 301 named an api_url the API host policy refused (src/shops/api-move-refusal.ts): the shop's calls stop
     * while `credentialsVersion` is unchanged; a new activation (new credentials) lifts it.
     */
    apiMoveRefused: {
      type: new Schema({ host: String, reason: String, at: Date, credentialsVersion: Number }, { _id: false }),
      default: null,
    },
    /**
     * The vendor suspended the service (PUT /api/vendor/shops/:token/service, e.g. the client stopped paying):
     * no Upgates call for this shop (activities/shop-context.ts refuses) while `state` is 'suspended'. Null = active.
     */
    service: {
      type: new Schema({ state: { type: String, enum: ['active', 'suspended'] }, reason: String, since: Date }, { _id: false }),
      default: null,
    },
    /**
     * Upgates answered 401 to the credentials of `credentialsVersion` (src/shops/api-access-state.ts): no call
     * for this shop until new credentials arrive (a new activation bumps credentialsVersion).
     */
    credentialsRejected: { type: new Schema({ at: Date, credentialsVersion: Number }, { _id: false }), default: null },
    /** 403 on every call (failed-login block of the IP, or inactive API user): no call before this instant. */
    loginBlockedUntil: { type: Date, default: null },
    /** Accesses Upgates refused with 403 while the login worked; skipped while credentials and version stay. */
    accessesNotGranted: {
      type: [new Schema({ access: String, at: Date, credentialsVersion: Number, version: Number }, { _id: false })],
      default: [],
    },
  },
  { timestamps: true, minimize: false },
);

// The webhook shop cache of every API process reads the shops changed since its last poll (once a second).
shopSchema.index({ updatedAt: 1 });

export type ShopDoc = InferSchemaType<typeof shopSchema>;
export type ShopModel = Model<ShopDoc>;
export const registerShopModel = (connection: Connection): ShopModel => connection.model<ShopDoc>('Shop', shopSchema, 'shops');
