// One vendor write per (shop, key): the key is the update id derived from the Idempotency-Key header. The
// unique index is what makes a retry after continue-as-new or a restart find the first attempt's record.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const vendorIdempotencySchema = new Schema(
  {
    shopToken: { type: String, required: true },
    key: { type: String, required: true },
    action: { type: String, required: true },
    /** SHA-256 of the action and items: the same key with another body is refused. */
    fingerprint: { type: String, required: true },
    /** `pending` from the claim until Upgates answered; a pending record found by a retry = outcome unknown. */
    state: { type: String, enum: ['pending', 'done'], required: true },
    result: { type: Schema.Types.Mixed, default: null },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
vendorIdempotencySchema.index({ shopToken: 1, key: 1 }, { unique: true });

export type VendorIdempotencyDoc = InferSchemaType<typeof vendorIdempotencySchema>;
export type VendorIdempotencyModel = Model<VendorIdempotencyDoc>;
export const registerVendorIdempotencyModel = (connection: Connection): VendorIdempotencyModel =>
  connection.model<VendorIdempotencyDoc>('VendorIdempotency', vendorIdempotencySchema, 'vendor_idempotency');
