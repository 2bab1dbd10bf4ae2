// The per-shop secret in the webhook URL (`/upgates/webhooks/:key`). Upgates does not sign webhook
// deliveries, so knowing this key is the only proof a delivery came from the shop's registration.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './derive-key.js';

const KEY_BYTES = 32;
/** 32 bytes in unpadded base64url are exactly 43 characters. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function generateWebhookKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** Cheap shape check before any database lookup, so random URL probes cost nothing. */
export function isWellFormedWebhookKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

/**
 * Constant-time equality. Both sides are hashed first so inputs of different lengths take the same
 * time too (timingSafeEqual alone throws on a length mismatch, and an early return leaks the length).
 */
export function webhookKeysEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/**
 * A keyed digest of a webhook key, for storing and indexing instead of the key itself: a database dump
 * then does not hand out working webhook URLs. Keyed with an APP_SECRET-derived key ('webhook-key-v1').
 */
export function createWebhookKeyHasher(appSecret: string): (key: string) => string {
  const secret = deriveKey(appSecret, 'webhook-key-v1');
  return (key) => createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}
