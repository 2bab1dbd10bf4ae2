import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureTimeCheck, signedValues, verifySignatureV2 } from '../../src/upgates/signature.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const OTHER_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const TOKEN = 'a0e0a3e7689bd4c80e4d6ffcccb05235b864e1d0';

/** What Upgates does: implode(";", [...values, signature_token]), sign with SHA-256, base64. */
const upgatesSign = (values: string[], token = TOKEN) =>
  sign('sha256', Buffer.from([...values, token].join(';')), privateKey).toString('base64');

const install = {
  token: 'shop-1',
  apiUser: 'u1',
  apiKey: 'k1',
  apiUrl: 'https://shop.admin.s1.upgates.com/api/v2',
  time: '2025-03-01T10:00:00+01:00',
};

describe('signedValues', () => {
  it('lists install fields in the documented order', () => {
    expect(signedValues('install', install)).toEqual([
      'shop-1',
      'u1',
      'k1',
      'https://shop.admin.s1.upgates.com/api/v2',
      '2025-03-01T10:00:00+01:00',
    ]);
  });
  it.each(['open', 'uninstall', 'version'] as const)('lists %s as token;time', (callback) => {
    expect(signedValues(callback, { token: 't', time: 'x', current_admin_language: 'cs' } as { token: string; time: string })).toEqual([
      't',
      'x',
    ]);
  });
});

describe('verifySignatureV2', () => {
  const values = signedValues('install', install);
  const sig = upgatesSign(values);

  it('accepts a genuine signature', () => {
    expect(verifySignatureV2(values, TOKEN, sig, PEM)).toBe(true);
  });
  it('rejects another public key', () => {
    expect(verifySignatureV2(values, TOKEN, sig, OTHER_PEM)).toBe(false);
  });
  it('rejects another signature token', () => {
    expect(verifySignatureV2(values, 'other-token', sig, PEM)).toBe(false);
  });
  it.each(Object.keys(install))('rejects an altered %s', (field) => {
    const altered = signedValues('install', { ...install, [field]: `${install[field as keyof typeof install]}x` });
    expect(verifySignatureV2(altered, TOKEN, sig, PEM)).toBe(false);
  });
  it('never throws on garbage', () => {
    for (const [v, s, k] of [
      [values, '', PEM],
      [values, 'not base64 !!', PEM],
      [values, sig, 'not a key'],
      [values, sig, ''],
      [[], sig, PEM],
      [values, undefined as unknown as string, PEM],
    ] as [string[], string, string][]) {
      expect(verifySignatureV2(v, TOKEN, s, k)).toBe(false);
    }
  });
  it('refuses a genuine install signature replayed as an open callback with a ";" token', () => {
    // Same signed bytes, other field split: token "shop-1;u1;k1;url" + time.
    const replay = [values.slice(0, 4).join(';'), install.time];
    expect(verifySignatureV2(replay, TOKEN, sig, PEM)).toBe(false);
  });
  it('works for open callbacks too', () => {
    const open = signedValues('open', { token: 'shop-1', time: install.time });
    expect(verifySignatureV2(open, TOKEN, upgatesSign(open), PEM)).toBe(true);
  });
});

describe('signatureTimeCheck', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  it('accepts recent times in several formats', () => {
    for (const t of [
      '2025-03-01T11:00:00Z',
      '2025-03-01T12:00:00+01:00',
      '2025-03-01T12:03:00+0000',
      '2025-03-01 11:59:59',
      `${now.getTime() / 1000 - 60}`,
    ]) {
      expect(signatureTimeCheck(t, now).ok, t).toBe(true);
    }
  });
  it('accepts zoneless Prague wall-clock times', () => {
    expect(signatureTimeCheck('2025-03-01T13:59:00', now)).toMatchObject({ ok: true, offsetSeconds: 59 * 60 });
  });
  it('rejects old, future and unparsable times', () => {
    expect(signatureTimeCheck('2025-02-28T11:59:00Z', now)).toEqual({ ok: false, reason: 'too-old' });
    expect(signatureTimeCheck('2025-03-02T12:06:00Z', now)).toEqual({ ok: false, reason: 'in-future' });
    for (const t of ['', 'yesterday', '2025-13-45T99:00:00Z', '2025-03-01'])
      expect(signatureTimeCheck(t, now)).toEqual({ ok: false, reason: 'unparsable' });
  });
  it('takes a custom tolerance', () => {
    expect(signatureTimeCheck('2025-03-01T11:00:00Z', now, 60).ok).toBe(false);
    expect(signatureTimeCheck('2025-03-01T14:00:00Z', now, { maxFutureSeconds: 3 * 3600 }).ok).toBe(true);
    expect(signatureTimeCheck('2025-03-01T16:00:00Z', now, { maxFutureSeconds: 3 * 3600 }).ok).toBe(false);
  });
});
