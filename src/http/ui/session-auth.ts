// How the iframe page authenticates: the signed session from the open callback travels in the URL (GET),
// then in the page itself (a hidden form field, or `Authorization: Bearer` from the page script). Never a
// cookie: the page lives in a third-party iframe where cookies are blocked, and a bearer secret that the
// browser does not attach by itself also makes the POSTs CSRF-safe. Origin, when sent, must be our own.
import type { Request } from 'express';
import type { AdminLanguage, Session } from '../../security/session-token.js';
import type { AppDeps } from '../deps.js';
import { isAdminLanguage } from './i18n.js';

export type SessionResult = { ok: true; session: Session; token: string } | { ok: false; lang: AdminLanguage };

/** The session token from the Authorization header, the body field `session` or the query, in that order. */
export function sessionTokenOf(req: Request): unknown {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 'session' in body) return body.session;
  return req.query.session;
}

export function authenticate(deps: AppDeps, req: Request): SessionResult {
  const token = sessionTokenOf(req);
  const verified = deps.sessions.verify(token);
  if (verified.ok) return { ok: true, session: verified.session, token: token as string };
  return { ok: false, lang: unverifiedLanguage(token) };
}

/**
 * The language a rejected token asked for, read WITHOUT trusting it: it only picks the words of the
 * "open the add-on again" page, so an expired session still gets its own language. Anything odd: Czech.
 */
export function unverifiedLanguage(token: unknown): AdminLanguage {
  if (typeof token !== 'string' || token.length > 2048) return 'cs';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { lang?: unknown };
    return isAdminLanguage(payload?.lang) ? payload.lang : 'cs';
  } catch {
    return 'cs';
  }
}

/** Our own origins: the public URL and (behind a proxy that sets X-Forwarded-*) the one the browser used. */
export function isSameOrigin(deps: AppDeps, req: Request): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true; // old browsers and non-browser clients; the bearer token still guards
  const own = new Set([new URL(deps.config.publicUrl).origin]);
  const host = req.get('host');
  if (host) own.add(`${req.protocol}://${host}`);
  return own.has(origin);
}
