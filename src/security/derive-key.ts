// One APP_SECRET, several keys: HKDF gives each purpose its own independent key, so a key that leaks
// from one use (say, a session token forged offline) says nothing about the others (credentials at rest).
import { hkdfSync } from 'node:crypto';

/** Bump the suffix to rotate one purpose's key without touching the others. */
export type KeyPurpose = 'credentials-v1' | 'session-v1' | 'webhook-key-v1' | 'webhook-url-v1';

// A fixed, public salt is fine for HKDF (RFC 5869 §3.1): the secret's entropy comes from APP_SECRET.
const SALT = 'upgates-addon-backend/hkdf-salt-v1';
const MIN_SECRET_LENGTH = 32;

export function deriveKey(appSecret: string, purpose: KeyPurpose, length = 32): Buffer {
  // Config already enforces this; checking again stops a test or script from deriving keys from "".
  if (appSecret.length < MIN_SECRET_LENGTH) throw new Error(`APP_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  return Buffer.from(hkdfSync('sha256', appSecret, SALT, purpose, length));
}
