// Short-lived signed sessions for the iframe page. The open callback issues one; /app verifies it.
// Format: base64url(JSON payload) "." base64url(HMAC-SHA256(payload segment)); stateless, so any API
// replica can verify it. Short TTL instead of revocation: a leaked link stops working within minutes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './derive-key.js';

export type AdminLanguage = 'cs' | 'sk' | 'en';

export interface Session {
  /** The shop token (Upgates' e-shop identifier). */
  shop: string;
  lang: AdminLanguage;
  /** Unix seconds. */
  exp: number;
  iat: number;
  nonce: string;
}

export type SessionVerification = { ok: true; session: Session } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export interface SessionTokens {
  issue(shopToken: string, lang: AdminLanguage, now?: Date): string;
  /** Never throws: any input that is not a valid, unexpired token of ours yields `ok: false`. */
  verify(token: unknown, now?: Date): SessionVerification;
}

// Real tokens are ~250 chars; the cap keeps garbage (a megabyte of query string) from costing an HMAC.
const MAX_TOKEN_LENGTH = 2048;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const LANGUAGES: readonly string[] = ['cs', 'sk', 'en'];

export function createSessionTokens(appSecret: string, ttlSeconds: number): SessionTokens {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('session TTL must be a positive integer of seconds');
  const key = deriveKey(appSecret, 'session-v1');
  const sign = (payloadSegment: string) => createHmac('sha256', key).update(payloadSegment).digest();

  return {
    issue(shopToken, lang, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const session: Session = { shop: shopToken, lang, iat, exp: iat + ttlSeconds, nonce: randomBytes(12).toString('base64url') };
      const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    verify(token, now = new Date()) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      const [payload, signature] = parts;
      if (parts.length !== 2 || !payload || !signature || !SEGMENT.test(payload) || !SEGMENT.test(signature)) {
        return { ok: false, reason: 'malformed' };
      }
      // Check the signature before parsing anything an attacker wrote.
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };

      const session = parseSession(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!session) return { ok: false, reason: 'malformed' };
      if (Math.floor(now.getTime() / 1000) >= session.exp) return { ok: false, reason: 'expired' };
      return { ok: true, session };
    },
  };
}

function parseSession(json: string): Session | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Record<string, unknown>;
  if (typeof s.shop !== 'string' || !s.shop) return undefined;
  if (typeof s.lang !== 'string' || !LANGUAGES.includes(s.lang)) return undefined;
  if (!Number.isInteger(s.exp) || !Number.isInteger(s.iat) || typeof s.nonce !== 'string') return undefined;
  return { shop: s.shop, lang: s.lang as AdminLanguage, exp: s.exp as number, iat: s.iat as number, nonce: s.nonce };
}
