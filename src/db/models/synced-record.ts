// The mirror of a shop's data: one document per (shop, resource, record id), the record kept whole as
// Upgates sent it (all language mutations, unknown fields included). `lastUpdateTime` guards upserts so an
// older version never overwrites a newer one; deletes become tombstones (`deleted: true`).
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const syncedRecordSchema = new Schema(
  {
    shopToken: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: null },
    lastUpdateTime: { type: Date, default: null },
    deleted: { type: Boolean, default: false },
    deletedAt: { type: Date, default: null },
    syncedAt: { type: Date, required: true },
  },
  { minimize: false, versionKey: false },
);
syncedRecordSchema.index({ shopToken: 1, resource: 1, recordId: 1 }, { unique: true });

export type SyncedRecordDoc = InferSchemaType<typeof syncedRecordSchema>;
export type SyncedRecordModel = Model<SyncedRecordDoc>;
export const registerSyncedRecordModel = (connection: Connection): SyncedRecordModel =>
  connection.model<SyncedRecordDoc>('SyncedRecord', syncedRecordSchema, 'synced_records');
