// Shared answer paths of the page's POSTs: JSON for the page script (Accept: application/json), the
// whole page for a plain HTML form post without script.
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import type { AdminLanguage, Session } from '../../security/session-token.js';
import { t } from './i18n.js';
import { sendErrorPage } from './get-app.js';
import { loadPageData } from './page-data.js';
import { renderPage, type Notice } from './render-page.js';
import { authenticate, isSameOrigin } from './session-auth.js';
import { nonceOf } from './security-headers.js';

export const wantsJson = (req: Request): boolean => req.accepts(['html', 'json']) === 'json';

/** The verified session of a POST, or undefined after answering 401/403. */
export function authenticatePost(deps: AppDeps, req: Request, res: Response): { session: Session; token: string } | undefined {
  const auth = authenticate(deps, req);
  if (!auth.ok) {
    fail(req, res, 401, auth.lang, 'error.session');
    return undefined;
  }
  if (!isSameOrigin(deps, req)) {
    fail(req, res, 403, auth.session.lang, 'error.session');
    return undefined;
  }
  return auth;
}

export function fail(
  req: Request,
  res: Response,
  status: number,
  lang: AdminLanguage,
  key: 'error.session' | 'error.notInstalled' | 'error.generic',
): void {
  if (wantsJson(req)) {
    res.status(status).json({ ok: false, tone: 'err', message: t(lang)(key) });
    return;
  }
  sendErrorPage(res, status, lang, key);
}

/** Answers a POST: JSON body as given, or the page again with the message next to the form. */
export async function answer(
  deps: AppDeps,
  req: Request,
  res: Response,
  auth: { session: Session; token: string },
  status: number,
  json: Record<string, unknown> & Notice,
  form: 'settings' | 'sync',
): Promise<void> {
  if (wantsJson(req)) {
    res.status(status).json(json);
    return;
  }
  const data = await loadPageData(deps, auth.session.shop, auth.session.lang);
  if (!data) return fail(req, res, 404, auth.session.lang, 'error.notInstalled');
  const notice = { form, tone: json.tone, message: json.message };
  res
    .status(status)
    .type('html')
    .send(renderPage({ lang: auth.session.lang, nonce: nonceOf(res), session: auth.token, data, notice }));
}
