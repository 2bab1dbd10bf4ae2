// The signature `time` window (issue 13.1): Upgates documents `time` only as "validity time of signature_v2",
// so it may be the signing time or an expiry. Both readings must pass, in every format Upgates uses.
import { describe, expect, it } from 'vitest';
import { parseSignatureTime, signatureTimeCheck } from '../../src/upgates/signature.js';

const now = new Date('2025-03-01T12:00:00Z'); // 13:00 in Prague (CET, +01:00)
const summer = new Date('2025-07-01T12:00:00Z'); // 14:00 in Prague (CEST, +02:00)

describe('signature time window', () => {
  it('accepts an expiry up to 24 h ahead (the "expiry" reading of time)', () => {
    expect(signatureTimeCheck('2025-03-01T13:00:00Z', now).ok).toBe(true);
    expect(signatureTimeCheck('2025-03-02T11:30:00Z', now).ok).toBe(true);
  });
  it('accepts a signing time up to 24 h old (the "signing time" reading)', () => {
    expect(signatureTimeCheck('2025-02-28T12:30:00Z', now).ok).toBe(true);
  });
  it('refuses beyond the window in both directions', () => {
    expect(signatureTimeCheck('2025-03-02T12:30:00Z', now)).toMatchObject({ ok: false, reason: 'in-future' });
    expect(signatureTimeCheck('2025-02-28T11:30:00Z', now)).toMatchObject({ ok: false, reason: 'too-old' });
  });
  it('takes the window from configuration (SIGNATURE_MAX_SKEW_SECONDS)', () => {
    expect(signatureTimeCheck('2025-03-01T12:10:00Z', now, 300)).toMatchObject({ ok: false, reason: 'in-future' });
    expect(signatureTimeCheck('2025-03-01T11:50:00Z', now, 300)).toMatchObject({ ok: false, reason: 'too-old' });
    expect(signatureTimeCheck('2025-03-01T12:04:00Z', now, 300).ok).toBe(true);
  });
  it('reports the observed time minus arrival', () => {
    expect(signatureTimeCheck('2025-03-01T13:00:00+01:00', now)).toMatchObject({ ok: true, offsetSeconds: 0 });
    expect(signatureTimeCheck('2025-03-01T13:00:00Z', now)).toMatchObject({ ok: true, offsetSeconds: 3600 });
  });
  it('parses ISO with offset, Z, and "YYYY-MM-DD HH:MM:SS" as Prague wall-clock time (winter and summer)', () => {
    const at = (s: string) => parseSignatureTime(s)?.toISOString();
    expect(at('2025-03-01T13:00:00+01:00')).toBe('2025-03-01T12:00:00.000Z');
    expect(at('2025-03-01T13:00:00+0100')).toBe('2025-03-01T12:00:00.000Z');
    expect(at('2025-03-01T12:00:00Z')).toBe('2025-03-01T12:00:00.000Z');
    expect(at('2025-03-01 13:00:00')).toBe('2025-03-01T12:00:00.000Z');
    expect(at('2025-07-01 14:00:00')).toBe('2025-07-01T12:00:00.000Z');
    expect(signatureTimeCheck('2025-07-01 14:00:00', summer)).toMatchObject({ ok: true, offsetSeconds: 0 });
  });
  it('refuses what is not a time', () => {
    for (const t of ['', 'yesterday', '2025-13-45T99:00:00Z', '2025-03-01'])
      expect(signatureTimeCheck(t, now)).toEqual({ ok: false, reason: 'unparsable' });
  });
});
