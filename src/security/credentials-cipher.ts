// Upgates API credentials at rest: AES-256-GCM with a key derived from APP_SECRET.
// The shop token is the additional authenticated data, so a blob copied onto another shop's record
// does not decrypt there (no silent credential swap between shops).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './derive-key.js';

export interface UpgatesCredentials {
  apiUser: string;
  apiKey: string;
  apiUrl: string;
}

/** Plain JSON, safe to store in MongoDB as is. */
export interface EncryptedBlob {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

export interface CredentialsCipher {
  encrypt(plain: UpgatesCredentials, aad: string): EncryptedBlob;
  decrypt(blob: EncryptedBlob, aad: string): UpgatesCredentials;
}

/** Tampered, truncated, wrong-shop or wrong-key blob. The message never contains blob contents. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // the GCM standard nonce size; random per encryption
const TAG_BYTES = 16;

export function createCredentialsCipher(appSecret: string): CredentialsCipher {
  const key = deriveKey(appSecret, 'credentials-v1');

  return {
    encrypt(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const json = JSON.stringify({ apiUser: plain.apiUser, apiKey: plain.apiKey, apiUrl: plain.apiUrl });
      const data = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    },

    decrypt(blob, aad) {
      if (!isBlob(blob)) throw new DecryptionError('not an encrypted credentials blob');
      const iv = Buffer.from(blob.iv, 'base64');
      const tag = Buffer.from(blob.tag, 'base64');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('bad iv or tag length');
      let json: string;
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(tag);
        json = Buffer.concat([decipher.update(Buffer.from(blob.data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // Node says only "Unsupported state or unable to authenticate data"; the cause adds nothing useful.
        throw new DecryptionError('credentials failed authentication (tampered, other shop, or other APP_SECRET)');
      }
      const parsed = parseJson(json);
      if (!isCredentials(parsed)) throw new DecryptionError('decrypted credentials have an unexpected shape');
      return { apiUser: parsed.apiUser, apiKey: parsed.apiKey, apiUrl: parsed.apiUrl };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isBlob(value: unknown): value is EncryptedBlob {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return b.v === 1 && typeof b.iv === 'string' && typeof b.tag === 'string' && typeof b.data === 'string';
}

function isCredentials(value: unknown): value is UpgatesCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.apiUser === 'string' && typeof c.apiKey === 'string' && typeof c.apiUrl === 'string';
}
