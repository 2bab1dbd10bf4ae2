// PUT /api/vendor/shops/:token/subscribers/:email  {newsletter_accept: 'yes'|'no'|'notset'}
// A consent change made on our side (unsubscribe link) goes back to Upgates (emailing, PUT customers).
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync } from './back-sync-gateway.js';
import { newsletterAccept } from './schemas.js';
import { parseOr400 } from './validation.js';

const params = z.object({ email: z.string().email() });
const body = z.object({ newsletter_accept: newsletterAccept }).strict();

export const putSubscriber =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    const b = p && parseOr400(res, body, req.body ?? {});
    if (!p || !b) return;
    const resolved = await resolveAction(deps, req, res, 'customer-consent');
    if (!resolved) return;
    await runBackSync(deps, req, res, resolved.shop, {
      action: 'customer-consent',
      items: [{ email: p.email, newsletter_accept: b.newsletter_accept }],
    });
  };
