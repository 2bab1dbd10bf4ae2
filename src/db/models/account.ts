// Our vendor-side account for a shop owner, created or paired automatically from GET /owner (no form).
// Paired by company number, else by e-mail, so an owner of several shops gets one account.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const accountSchema = new Schema(
  {
    pairingKey: { type: String, required: true, unique: true },
    company: { type: String, default: null },
    companyNumber: { type: String, default: null },
    email: { type: String, default: null },
    contactName: { type: String, default: null },
    language: { type: String, default: null },
    country: { type: String, default: null },
    shopTokens: { type: [String], default: [] },
  },
  { timestamps: true },
);

export type AccountDoc = InferSchemaType<typeof accountSchema>;
export type AccountModel = Model<AccountDoc>;
export const registerAccountModel = (connection: Connection): AccountModel =>
  connection.model<AccountDoc>('Account', accountSchema, 'accounts');
