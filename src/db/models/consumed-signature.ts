// A lifecycle callback's signature_v2 that was used once (issue 14.1): bound to the callback it arrived at and
// the exact body, so a captured open body cannot be replayed as an uninstall or a version change. `_id` is a
// hash of the signature (the unique key); MongoDB's TTL monitor removes the entry once `time` has left the
// accepted window, after which the time check refuses the signature anyway.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const consumedSignatureSchema = new Schema(
  {
    _id: { type: String, required: true },
    callback: { type: String, required: true },
    bodyDigest: { type: String, required: true },
    consumedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  },
  { versionKey: false },
);

export type ConsumedSignatureDoc = InferSchemaType<typeof consumedSignatureSchema>;
export type ConsumedSignatureModel = Model<ConsumedSignatureDoc>;
export const registerConsumedSignatureModel = (connection: Connection): ConsumedSignatureModel =>
  (connection.models.ConsumedSignature as ConsumedSignatureModel | undefined) ??
  connection.model<ConsumedSignatureDoc>('ConsumedSignature', consumedSignatureSchema, 'consumed_signatures');
