// What the shop workflow notes after a flush (today: its newest webhook), kept OUT of the shop document.
// FerretDB 1.24 applies every update by reading the whole document and writing it back, so a note written into
// the shop document after each flush could put back the settings, service state or credentials another request
// had just changed (test/integration/shop-sync-note.test.ts lost 17 of 60 concurrent settings saves that way).
// One document per shop here, keyed by `shopToken` like every shop store (the purge sweeps it by that field).
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { perConnection } from './per-connection.js';

const shopSyncNoteSchema = new Schema(
  {
    shopToken: { type: String, required: true },
    lastWebhookAt: { type: Date, default: null },
  },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);
shopSyncNoteSchema.index({ shopToken: 1 }, { unique: true });

type ShopSyncNoteDoc = InferSchemaType<typeof shopSyncNoteSchema>;
type ShopSyncNoteModel = Model<ShopSyncNoteDoc>;
const registerModel = (connection: Connection): ShopSyncNoteModel =>
  (connection.models.ShopSyncNote as ShopSyncNoteModel | undefined) ??
  connection.model<ShopSyncNoteDoc>('ShopSyncNote', shopSyncNoteSchema, 'shop_sync_notes');

export interface ShopSyncNotes {
  /** Keeps the newest time: a late (retried) note of an older flush does not move it back. */
  noteWebhook(shopToken: string, at: Date): Promise<void>;
  lastWebhookAt(shopToken: string): Promise<Date | null>;
}

export const shopSyncNotes: (connection: Connection) => ShopSyncNotes = perConnection((connection) => {
  const model = registerModel(connection);
  return {
    async noteWebhook(shopToken, at) {
      await model.updateOne({ shopToken }, { $max: { lastWebhookAt: at } }, { upsert: true });
    },
    async lastWebhookAt(shopToken) {
      return (await model.findOne({ shopToken }, { lastWebhookAt: 1 }).lean())?.lastWebhookAt ?? null;
    },
  };
});
