import { describe, expect, it } from 'vitest';
import { createWebhookKeyHasher, generateWebhookKey, isWellFormedWebhookKey, webhookKeysEqual } from '../../src/security/webhook-key.js';

describe('webhook keys', () => {
  it('generates distinct 32-byte base64url keys', () => {
    const keys = new Set(Array.from({ length: 100 }, generateWebhookKey));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(isWellFormedWebhookKey(key)).toBe(true);
      expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    }
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'abc', 'x'.repeat(44), `${'x'.repeat(42)}/`, undefined, 7]) expect(isWellFormedWebhookKey(bad)).toBe(false);
  });

  it('compares keys', () => {
    const key = generateWebhookKey();
    expect(webhookKeysEqual(key, `${key}`)).toBe(true);
    expect(webhookKeysEqual(key, generateWebhookKey())).toBe(false);
    expect(webhookKeysEqual(key, key.slice(0, 10))).toBe(false);
    expect(webhookKeysEqual('', '')).toBe(true);
  });

  it('hashes keys deterministically per APP_SECRET', () => {
    const key = generateWebhookKey();
    const hash = createWebhookKeyHasher('a'.repeat(32));
    expect(hash(key)).toBe(hash(key));
    expect(hash(key)).not.toContain(key);
    expect(createWebhookKeyHasher('b'.repeat(32))(key)).not.toBe(hash(key));
  });
});
