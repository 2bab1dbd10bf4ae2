// Verification of Upgates' `signature_v2` on lifecycle callbacks (reference §1.2).
// Upgates joins the listed body values and our signature token with ";" and signs that string with its
// private key (openssl_verify with SHA-256); we verify with Upgates' public key. The signature token is
// not a MAC key: it only makes the plaintext add-on specific.
import { verify } from 'node:crypto';

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
  /** How far in the past `time` may lie. Default 24 h. */
  maxAgeSeconds: number;
  /** How far in the future `time` may lie (clock skew). Default 5 min. */
  maxFutureSeconds: number;
}

export const DEFAULT_TIME_TOLERANCE: TimeTolerance = { maxAgeSeconds: 24 * 3600, maxFutureSeconds: 5 * 60 };

export type TimeCheck = { ok: true; at: Date } | { ok: false; reason: 'unparsable' | 'too-old' | 'in-future' };

// ISO 8601 date-time with optional seconds, fraction and zone. A space instead of "T" is accepted
// because PHP's default formats use one.
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;
/** Central European Summer Time: a zoneless Prague wall-clock time read as UTC looks up to 2 h ahead. */
const ZONELESS_EXTRA_FUTURE_SECONDS = 2 * 3600;

/**
 * Replay protection for lifecycle callbacks. The reference (§6.3) does not say whether `time` is the
 * signing time or an expiry, nor its exact format, so the window is deliberately wide: accept `time`
 * up to 24 h old and up to 5 min ahead (a number as the third argument sets both limits to it).
 * Zoneless times are read as UTC and get 2 h more future slack, as Upgates runs on Prague time.
 * Unix seconds (all digits) are also accepted. Anything else is 'unparsable'.
 */
export function signatureTimeCheck(time: string, now: Date = new Date(), tolerance: number | Partial<TimeTolerance> = {}): TimeCheck {
  const limits: TimeTolerance =
    typeof tolerance === 'number' ? { maxAgeSeconds: tolerance, maxFutureSeconds: tolerance } : { ...DEFAULT_TIME_TOLERANCE, ...tolerance };
  const at = parseTime(time);
  if (!at) return { ok: false, reason: 'unparsable' };
  const futureSlack = typeof time === 'string' && ISO.test(time.trim()) && !HAS_ZONE.test(time.trim()) ? ZONELESS_EXTRA_FUTURE_SECONDS : 0;
  const deltaSeconds = (at.getTime() - now.getTime()) / 1000;
  if (deltaSeconds > limits.maxFutureSeconds + futureSlack) return { ok: false, reason: 'in-future' };
  if (-deltaSeconds > limits.maxAgeSeconds) return { ok: false, reason: 'too-old' };
  return { ok: true, at };
}

function parseTime(raw: unknown): Date | undefined {
  if (typeof raw !== 'string') return undefined;
  const time = raw.trim();
  if (/^\d{9,11}$/.test(time)) return new Date(Number(time) * 1000);
  if (!ISO.test(time)) return undefined;
  // Date.parse reads zoneless date-times as local time; pin them to UTC so the result does not depend on TZ.
  const normalised = time.replace(' ', 'T') + (HAS_ZONE.test(time) ? '' : 'Z');
  const ms = Date.parse(normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
