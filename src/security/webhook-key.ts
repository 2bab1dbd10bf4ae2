// The per-shop secret in the webhook URL (`/upgates/webhooks/:key`). Upgates does not sign webhook
// deliveries, so knowing this key is the only proof a delivery came from the shop's registration.
import { createHmac } from 'node:crypto';
import { deriveKey } from './derive-key.js';

/** The keys src/shops/webhook-url-key.ts derives: 32 bytes in unpadded base64url, exactly 43 characters. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Cheap shape check before any database lookup, so random URL probes cost nothing. */
export function isWellFormedWebhookKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

/**
 * A keyed digest of a webhook key, for storing and indexing instead of the key itself: a database dump
 * then does not hand out working webhook URLs. Keyed with an APP_SECRET-derived key ('webhook-key-v1').
 */
export function createWebhookKeyHasher(appSecret: string): (key: string) => string {
  const secret = deriveKey(appSecret, 'webhook-key-v1');
  return (key) => createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}
