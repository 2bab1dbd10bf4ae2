// A vendor API token. Only its SHA-256 digest is stored (the token is 256 random bits, so a plain digest is
// as good as a password hash and lets the lookup use a unique index). `shops: null` means every shop.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const vendorTokenSchema = new Schema(
  {
    /** Public id (also the token's visible prefix), used by `list` and `revoke`. */
    tokenId: { type: String, required: true, unique: true },
    hash: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    shops: { type: [String], default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true },
);

export type VendorTokenDoc = InferSchemaType<typeof vendorTokenSchema>;
export type VendorTokenModel = Model<VendorTokenDoc>;
export const registerVendorTokenModel = (connection: Connection): VendorTokenModel =>
  connection.model<VendorTokenDoc>('VendorToken', vendorTokenSchema, 'vendor_tokens');
