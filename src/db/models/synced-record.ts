// The mirror of a shop's data: one document per (shop, resource, record id), the record kept whole as
// Upgates sent it (all language mutations, unknown fields included). `lastUpdateTime` guards upserts so an
// older version never overwrites a newer one; deletes become tombstones (`deleted: true`, `data: null`: a
// tombstone keeps only the ids, deletion time and version the staleness checks need, no personal data).
// `slot` lets the FerretDB write path insert a record's new version (in the other slot) before it retires the
// old one, so a reader never sees neither; for that moment a reader may see both and takes the newest (`_id`).
// `seq` is the shop's change sequence number of the write that last changed the record (assigned in that same
// write, src/db/change-sequence.ts), `firstSeq` the one that created it (or brought it back from a tombstone):
// the change feed (src/db/change-feed.ts) reads records by `seq`. Records written before the sequence existed
// have neither and count as sequence 0.
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
    slot: { type: Number, default: 0 },
    seq: { type: Number },
    firstSeq: { type: Number },
  },
  { minimize: false, versionKey: false },
);
syncedRecordSchema.index({ shopToken: 1, resource: 1, recordId: 1, slot: 1 }, { unique: true });
syncedRecordSchema.index({ shopToken: 1, seq: 1 });
/** The unique index before `slot` existed; the FerretDB write path drops it (it forbids the second version). */
export const LEGACY_RECORD_INDEX = 'shopToken_1_resource_1_recordId_1';

export type SyncedRecordDoc = InferSchemaType<typeof syncedRecordSchema>;
export type SyncedRecordModel = Model<SyncedRecordDoc>;
export const registerSyncedRecordModel = (connection: Connection): SyncedRecordModel =>
  connection.model<SyncedRecordDoc>('SyncedRecord', syncedRecordSchema, 'synced_records');
