import { describe, expect, it } from 'vitest';
import { createCredentialsCipher, DecryptionError, type EncryptedBlob } from '../../src/security/credentials-cipher.js';

const SECRET = 'test-app-secret-0123456789-0123456789-abcdef';
const creds = { apiUser: 'user-123', apiKey: 's3cr3t-key;with=odd chars ěščř', apiUrl: 'https://shop.admin.s1.upgates.com/api/v2' };

const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  buf[0] = (buf[0] ?? 0) ^ 0x01;
  return buf.toString('base64');
};

describe('credentials cipher', () => {
  const cipher = createCredentialsCipher(SECRET);

  it('round-trips and produces a JSON-able blob without the plaintext', () => {
    const blob = cipher.encrypt(creds, 'shop-a');
    expect(blob.v).toBe(1);
    expect(JSON.parse(JSON.stringify(blob))).toEqual(blob);
    expect(JSON.stringify(blob)).not.toContain(creds.apiKey);
    expect(cipher.decrypt(blob, 'shop-a')).toEqual(creds);
  });

  it('uses a fresh IV each time', () => {
    const a = cipher.encrypt(creds, 'shop-a');
    const b = cipher.encrypt(creds, 'shop-a');
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
  });

  it.each<[string, (b: EncryptedBlob) => EncryptedBlob]>([
    ['data', (b) => ({ ...b, data: flip(b.data) })],
    ['tag', (b) => ({ ...b, tag: flip(b.tag) })],
    ['iv', (b) => ({ ...b, iv: flip(b.iv) })],
    ['truncated tag', (b) => ({ ...b, tag: b.tag.slice(0, 8) })],
    ['version', (b) => ({ ...b, v: 2 }) as unknown as EncryptedBlob],
  ])('rejects a tampered %s with DecryptionError', (_name, tamper) => {
    const blob = tamper(cipher.encrypt(creds, 'shop-a'));
    expect(() => cipher.decrypt(blob, 'shop-a')).toThrow(DecryptionError);
  });

  it('rejects another shop token as AAD', () => {
    const blob = cipher.encrypt(creds, 'shop-a');
    expect(() => cipher.decrypt(blob, 'shop-b')).toThrow(DecryptionError);
  });

  it('rejects another APP_SECRET', () => {
    const blob = cipher.encrypt(creds, 'shop-a');
    const other = createCredentialsCipher(`${SECRET}-other`);
    expect(() => other.decrypt(blob, 'shop-a')).toThrow(DecryptionError);
  });

  it('rejects garbage without leaking it in the message', () => {
    for (const garbage of [null, 'x', {}, { v: 1, iv: 'a', tag: 'b', data: 'c' }]) {
      expect(() => cipher.decrypt(garbage as unknown as EncryptedBlob, 'shop-a')).toThrow(DecryptionError);
    }
  });

  it('refuses a short APP_SECRET', () => {
    expect(() => createCredentialsCipher('short')).toThrow(/at least 32/);
  });
});
