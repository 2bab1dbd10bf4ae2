// Verification of Upgates' `signature_v2` on lifecycle callbacks (reference §1.2).
// Upgates joins the listed body values and our signature token with ";" and signs that string with its
// private key (openssl_verify with SHA-256); we verify with Upgates' public key. The signature token is
// not a MAC key: it only makes the plaintext add-on specific.
import { verify } from 'node:crypto';
import { pragueWallClockToUtc } from './prague-time.js';

export type LifecycleCallback = 'install' | 'open' | 'uninstall' | 'version';

/** Body fields in signed order, per callback. `version` is not documented; it follows open/uninstall. */
export const SIGNED_FIELDS = {
  install: ['token', 'apiUser', 'apiKey', 'apiUrl', 'time'],
  open: ['token', 'time'],
  uninstall: ['token', 'time'],
  version: ['token', 'time'],
} as const satisfies Record<LifecycleCallback, readonly string[]>;

export interface InstallSignedFields {
  token: string;
  apiUser: string;
  apiKey: string;
  apiUrl: string;
  time: string;
}
export interface BasicSignedFields {
  token: string;
  time: string;
}

/** The values Upgates signed, in order (without the signature token, which verifySignatureV2 appends). */
export function signedValues(callback: 'install', body: InstallSignedFields): string[];
export function signedValues(callback: 'open' | 'uninstall' | 'version', body: BasicSignedFields): string[];
export function signedValues(callback: LifecycleCallback, body: BasicSignedFields | InstallSignedFields): string[] {
  const record = body as unknown as Record<string, unknown>;
  // PHP implode() turns null into ""; do the same so a missing field fails verification instead of throwing.
  return SIGNED_FIELDS[callback].map((field) => (record[field] == null ? '' : String(record[field])));
}

/**
 * True only for a valid signature. Never throws: a malformed key, signature or value yields false.
 *
 * A value containing ";" is rejected outright. The signed string has no escaping, so such a value makes
 * the field boundaries ambiguous: a genuine install string `t;user;key;url;time;S` could be re-split and
 * replayed as an open callback for the "token" `t;user;key;url`.
 */
export function verifySignatureV2(values: string[], signatureToken: string, signatureV2B64: string, publicKeyPem: string): boolean {
  try {
    if (typeof signatureV2B64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signatureV2B64)) return false;
    if (!values.every((v) => typeof v === 'string' && !v.includes(';'))) return false;
    const data = Buffer.from([...values, signatureToken].join(';'), 'utf8');
    return verify('sha256', data, publicKeyPem, Buffer.from(signatureV2B64, 'base64'));
  } catch {
    return false;
  }
}

export interface TimeTolerance {
  /** How far in the past `time` may lie (the "signing time" reading). */
  maxAgeSeconds: number;
  /** How far in the future `time` may lie (the "expiry" reading). */
  maxFutureSeconds: number;
}

/** 24 h each way: an expiry up to a day ahead and a signing time up to a day old both pass (SIGNATURE_MAX_SKEW_SECONDS). */
export const DEFAULT_MAX_SKEW_SECONDS = 24 * 3600;

export type TimeCheck =
  | {
      ok: true;
      at: Date;
      /** `time` minus arrival, in seconds: positive reads as an expiry, negative as a signing time. */ offsetSeconds: number;
    }
  | { ok: false; reason: 'unparsable' | 'too-old' | 'in-future' };

// ISO 8601 date-time with optional seconds, fraction and zone. A space instead of "T" is accepted
// because PHP's default formats use one.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The accepted window of a lifecycle callback's `time`. Upgates documents it only as "validity time of
 * signature_v2" (reference §6.3): it may be the signing time or an expiry, so `time` may lie up to the
 * skew on either side of our clock. Replay protection does not rest on this window but on the one-time
 * consumption of each signature (src/db/consumed-signatures.ts). A number sets both limits.
 */
export function signatureTimeCheck(
  time: string,
  now: Date = new Date(),
  tolerance: number | Partial<TimeTolerance> = DEFAULT_MAX_SKEW_SECONDS,
): TimeCheck {
  const limits: TimeTolerance =
    typeof tolerance === 'number'
      ? { maxAgeSeconds: tolerance, maxFutureSeconds: tolerance }
      : { maxAgeSeconds: DEFAULT_MAX_SKEW_SECONDS, maxFutureSeconds: DEFAULT_MAX_SKEW_SECONDS, ...tolerance };
  const at = parseSignatureTime(time);
  if (!at) return { ok: false, reason: 'unparsable' };
  const offsetSeconds = Math.round((at.getTime() - now.getTime()) / 1000);
  if (offsetSeconds > limits.maxFutureSeconds) return { ok: false, reason: 'in-future' };
  if (-offsetSeconds > limits.maxAgeSeconds) return { ok: false, reason: 'too-old' };
  return { ok: true, at, offsetSeconds };
}

/**
 * Every time format Upgates uses: ISO 8601 with an offset (`+01:00`, `+0100`) or `Z`, a zoneless
 * `YYYY-MM-DD HH:MM:SS` (or with "T"), read as Prague wall-clock time, and Unix seconds. Else undefined.
 */
export function parseSignatureTime(raw: unknown): Date | undefined {
  if (typeof raw !== 'string') return undefined;
  const time = raw.trim();
  if (/^\d{9,11}$/.test(time)) return new Date(Number(time) * 1000);
  const m = ISO.exec(time);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const fractionMs = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second, fractionMs);
  if (new Date(wallClock).getUTCDate() !== day) return undefined; // 2025-02-30 and the like
  const zone = m[8];
  if (!zone) return new Date(pragueWallClockToUtc(wallClock));
  if (zone === 'Z') return new Date(wallClock);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  return new Date(wallClock - offsetMinutes * 60_000);
}
