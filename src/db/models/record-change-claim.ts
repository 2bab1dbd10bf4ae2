// The change sequence of a shop's mirror (issue 17.1, src/db/change-sequence.ts). Every write batch of the
// record store first claims the next sequence number of its shop by INSERTING `{kind: 'claim', seq}`, then
// stamps that number on the records it writes, then resolves the claim by inserting `{kind: 'end', seq}`
// (`aborted: true` when someone else resolved it first because its writer looked dead). Both steps are
// inserts under one unique index, the only write that is atomic on MongoDB and on FerretDB 1.24 alike
// (FerretDB's updates are read-modify-write of the whole document), so exactly one claimant gets a number
// and exactly one resolution wins. Keyed by `shopToken`, so the shop erasure purges it with the rest.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const recordChangeClaimSchema = new Schema(
  {
    shopToken: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, enum: ['claim', 'end'], required: true },
    aborted: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
recordChangeClaimSchema.index({ shopToken: 1, seq: 1, kind: 1 }, { unique: true });

export type RecordChangeClaimDoc = InferSchemaType<typeof recordChangeClaimSchema>;
export type RecordChangeClaimModel = Model<RecordChangeClaimDoc>;
export const registerRecordChangeClaimModel = (connection: Connection): RecordChangeClaimModel =>
  (connection.models.RecordChangeClaim as RecordChangeClaimModel | undefined) ??
  connection.model<RecordChangeClaimDoc>('RecordChangeClaim', recordChangeClaimSchema, 'record_change_claims');
