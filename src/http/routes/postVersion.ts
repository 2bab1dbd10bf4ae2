// POST /upgates/version — the shop switched to another approved version of the add-on. The manifest diff
// (webhooks, conversion codes, newly needed resources) is applied by the shop workflow, serialised with its
// other API work, so the 3-concurrent-requests limit holds.
import express, { type RequestHandler } from 'express';
import { versionChangeSignal } from '../../../workflows/messages.js';
import { getProfile } from '../../profiles/index.js';
import { signalWithStartShop } from '../../temporal/shop-workflow-client.js';
import { versionBodySchema } from '../lifecycle/callback-schemas.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import type { AppDeps } from '../deps.js';

export const postVersion = (deps: AppDeps): RequestHandler[] => [
  express.json({ limit: '16kb', type: () => true }),
  async (req, res) => {
    const body = await verifyCallback('version', versionBodySchema, req, res, {
      ...deps,
      signatureToken: deps.config.upgates.signatureToken,
    });
    if (!body) return;
    const shop = await deps.db.models.Shop.findOne({ token: body.token }).lean();
    if (!shop || shop.status !== 'active') {
      res.status(404).json({ error: true, message: 'The add-on is not installed (or still installing) in this shop.' });
      return;
    }
    try {
      getProfile(deps.config.profile, body.version);
    } catch {
      res.status(400).json({ error: true, message: `Unknown add-on version ${body.version}` });
      return;
    }
    if (shop.version === body.version) {
      res.json({ error: false, message: '' });
      return;
    }
    try {
      await signalWithStartShop(deps.temporal, deps.config, body.token, shop.profile, versionChangeSignal, {
        fromVersion: shop.version,
        toVersion: body.version,
      });
    } catch (error) {
      deps.logger.error({ shopToken: body.token, err: error }, 'could not signal the version change');
      res.status(503).json({ error: true, message: 'Temporarily unavailable, please retry' });
      return;
    }
    res.json({ error: false, message: '' });
  },
];
