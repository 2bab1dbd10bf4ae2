// The per-shop secret in our webhook URLs. It is derived, not stored: HMAC(APP_SECRET-derived key,
// token + random nonce). The database keeps the nonce and a keyed hash for lookups, so a database dump hands
// out no working webhook URL, yet reconciliation can rebuild the exact URL it registered. A reinstall draws a
// new nonce, so URLs of a previous installation stop working.
import { createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../security/derive-key.js';
import { createWebhookKeyHasher } from '../security/webhook-key.js';

export function createWebhookUrlKeys(appSecret: string, publicUrl: string) {
  const secret = deriveKey(appSecret, 'webhook-url-v1'); // separate from the hashing key ('webhook-key-v1')
  const hash = createWebhookKeyHasher(appSecret);
  const keyFor = (shopToken: string, nonce: string) =>
    createHmac('sha256', secret).update(`${shopToken}:${nonce}`, 'utf8').digest('base64url');
  return {
    newNonce: () => randomBytes(16).toString('base64url'),
    keyFor,
    hash,
    /** The URL registered for one event; the event in the query tells a delete from a create or update. */
    urlFor: (shopToken: string, nonce: string, event: string) =>
      `${publicUrl}/upgates/webhooks/${keyFor(shopToken, nonce)}?event=${encodeURIComponent(event)}`,
  };
}
export type WebhookUrlKeys = ReturnType<typeof createWebhookUrlKeys>;
