import { describe, expect, it } from 'vitest';
import { createWebhookKeyHasher, isWellFormedWebhookKey } from '../../src/security/webhook-key.js';
import { createWebhookUrlKeys } from '../../src/shops/webhook-url-key.js';

const keys = createWebhookUrlKeys('s'.repeat(32), 'https://addon.example');

describe('webhook keys', () => {
  it('the keys we put in webhook URLs are distinct per shop and nonce, 32 bytes, well formed', () => {
    const made = new Set(Array.from({ length: 100 }, (_, i) => keys.keyFor(`shop-${i % 10}`, keys.newNonce())));
    expect(made.size).toBe(100);
    for (const key of made) {
      expect(isWellFormedWebhookKey(key)).toBe(true);
      expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    }
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'abc', 'x'.repeat(44), `${'x'.repeat(42)}/`, undefined, 7]) expect(isWellFormedWebhookKey(bad)).toBe(false);
  });

  it('hashes keys deterministically per APP_SECRET', () => {
    const key = keys.keyFor('shop', keys.newNonce());
    const hash = createWebhookKeyHasher('a'.repeat(32));
    expect(hash(key)).toBe(hash(key));
    expect(hash(key)).not.toContain(key);
    expect(createWebhookKeyHasher('b'.repeat(32))(key)).not.toBe(hash(key));
  });
});
