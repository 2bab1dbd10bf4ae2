// GET /app?session=... — the iframe page. A bad or expired session gets a page (401) that tells the
// merchant to reopen the add-on from the admin, in the session's language when it can be read.
import type { RequestHandler, Response } from 'express';
import type { AppDeps } from '../deps.js';
import type { AdminLanguage } from '../../security/session-token.js';
import type { MessageKey } from './i18n.js';
import { loadPageData } from './page-data.js';
import { renderErrorPage, renderPage } from './render-page.js';
import { authenticate } from './session-auth.js';
import { nonceOf } from './security-headers.js';

export function sendErrorPage(res: Response, status: number, lang: AdminLanguage, key: MessageKey): void {
  res
    .status(status)
    .type('html')
    .send(renderErrorPage(lang, nonceOf(res), key));
}

export const getApp =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const auth = authenticate(deps, req);
    if (!auth.ok) return sendErrorPage(res, 401, auth.lang, 'error.session');
    const { session, token } = auth;
    const data = await loadPageData(deps, session.shop, session.lang);
    if (!data || data.shop.status === 'uninstalled') return sendErrorPage(res, 404, session.lang, 'error.notInstalled');
    res.type('html').send(renderPage({ lang: session.lang, nonce: nonceOf(res), session: token, data }));
  };
