// POST /upgates/open — the shop owner opens the add-on: answer an iframe URL with a short-lived signed session.
// Any admin language code is accepted; the page speaks cs, sk or en and falls back to English.
import express, { type RequestHandler } from 'express';
import { withDatabaseDeadline } from '../database-deadline.js';
import { adminLanguageOf, openBodySchema } from '../lifecycle/callback-schemas.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import type { AppDeps } from '../deps.js';

export const postOpen = (deps: AppDeps): RequestHandler[] => [
  express.json({ limit: '16kb', type: () => true }),
  async (req, res) => {
    const body = await verifyCallback('open', openBodySchema, req, res, { ...deps, signatureToken: deps.config.upgates.signatureToken });
    if (!body) return;
    const shop = await withDatabaseDeadline(deps.db.connection, () =>
      deps.stores.shops.findByToken<{ status: string }>(body.token, { status: 1 }),
    );
    if (!shop || shop.status === 'uninstalled') {
      res.status(404).json({ error: true, message: 'The add-on is not installed in this shop. Please activate it first.' });
      return;
    }
    const session = deps.sessions.issue(body.token, adminLanguageOf(body.current_admin_language));
    res.json({ url: `${deps.config.publicUrl}/app?session=${encodeURIComponent(session)}`, type: 'iframe' });
  },
];
