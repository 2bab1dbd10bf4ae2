// Vendor API tokens in MongoDB: created (shown once), listed, revoked by the CLI (src/cli/vendor-token.ts),
// verified by the vendor API on every request. Several tokens are valid at once, so a rotation is: create
// the new token, switch the vendor's system to it, revoke the old one. VENDOR_API_TOKEN stays the bootstrap
// token (all shops) and is checked in src/http/vendor-api/auth.ts, not stored here.
import { createHash, randomBytes } from 'node:crypto';
import type { VendorTokenModel } from './models/vendor-token.js';

/** `null` = every shop. */
export type VendorScope = readonly string[] | null;

export interface VendorTokenInfo {
  id: string;
  name: string;
  shops: string[] | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const TOKEN_FORMAT = /^vt_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export const hashVendorToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token; the returned `token` is the only time the secret exists outside the caller's hands. */
export async function createVendorToken(
  VendorToken: VendorTokenModel,
  input: { name: string; shops: readonly string[] | null },
): Promise<{ id: string; token: string }> {
  if (!input.name.trim()) throw new Error('a token needs a name (who uses it)');
  if (input.shops !== null && input.shops.length === 0) throw new Error('a scoped token needs at least one shop (or use all shops)');
  const id = randomBytes(6).toString('hex');
  const token = `vt_${id}_${randomBytes(32).toString('base64url')}`;
  await VendorToken.create({
    tokenId: id,
    hash: hashVendorToken(token),
    name: input.name.trim(),
    shops: input.shops ? [...input.shops] : null,
  });
  return { id, token };
}

export async function listVendorTokens(VendorToken: VendorTokenModel): Promise<VendorTokenInfo[]> {
  const docs = await VendorToken.find({}, { hash: 0 }).sort({ createdAt: 1 }).lean();
  return docs.map((d) => ({
    id: d.tokenId,
    name: d.name,
    shops: d.shops ?? null,
    createdAt: d.createdAt,
    revokedAt: d.revokedAt ?? null,
  }));
}

/** True when a live token was revoked; false when the id is unknown or already revoked. */
export async function revokeVendorToken(VendorToken: VendorTokenModel, id: string): Promise<boolean> {
  const result = await VendorToken.updateOne({ tokenId: id, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return result.modifiedCount === 1;
}

/** The scope of a live token, or undefined for an unknown, malformed or revoked one. */
export async function verifyVendorToken(
  VendorToken: VendorTokenModel,
  token: string,
): Promise<{ id: string; shops: VendorScope } | undefined> {
  const match = TOKEN_FORMAT.exec(token);
  if (!match) return undefined;
  // Looked up by digest: the stored value is never compared with the secret itself.
  const doc = await VendorToken.findOne({ hash: hashVendorToken(token), revokedAt: null }, { tokenId: 1, shops: 1 }).lean();
  if (!doc || doc.tokenId !== match[1]) return undefined;
  return { id: doc.tokenId, shops: doc.shops ?? null };
}

/** What the vendor API needs of the token store: verification only (the CLI creates, lists and revokes). */
export function createVendorTokenStore(VendorToken: VendorTokenModel) {
  return { verify: (token: string) => verifyVendorToken(VendorToken, token) };
}

export type VendorTokenStore = ReturnType<typeof createVendorTokenStore>;
