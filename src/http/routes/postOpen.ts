// POST /upgates/open — the shop owner opens the add-on: answer an iframe URL with a short-lived signed session.
import express, { type RequestHandler } from 'express';
import { openBodySchema } from '../lifecycle/callback-schemas.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import type { AppDeps } from '../deps.js';

export const postOpen = (deps: AppDeps): RequestHandler[] => [
  express.json({ limit: '16kb', type: () => true }),
  async (req, res) => {
    const body = await verifyCallback('open', openBodySchema, req, res, { ...deps, signatureToken: deps.config.upgates.signatureToken });
    if (!body) return;
    const shop = await deps.db.models.Shop.findOne({ token: body.token }, { status: 1 }).lean();
    if (!shop || shop.status === 'uninstalled') {
      res.status(404).json({ error: true, message: 'The add-on is not installed in this shop. Please activate it first.' });
      return;
    }
    const session = deps.sessions.issue(body.token, body.current_admin_language);
    res.json({ url: `${deps.config.publicUrl}/app?session=${encodeURIComponent(session)}`, type: 'iframe' });
  },
];
