// POST /api/vendor/shops/:token/subscribers  {email, language?, newsletter_accept?}
//   or {subscribers: [{email, language?, newsletter_accept?}]}  (≤ 100)
// Creates Upgates contacts (type "contact", never a login) for people who subscribed on our side only.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync, within413 } from './back-sync-gateway.js';
import { MAX_ITEMS, newsletterAccept } from './schemas.js';
import { parseOr400 } from './validation.js';

const subscriber = z
  .object({ email: z.string().email(), language: z.enum(['cs', 'sk', 'en']).optional(), newsletter_accept: newsletterAccept.optional() })
  .strict();
const body = z.union([z.object({ subscribers: z.array(z.unknown()).min(1) }).strict(), subscriber]);

export const postSubscribers =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const parsed = parseOr400(res, body, req.body ?? {});
    if (!parsed) return;
    const raw = 'subscribers' in parsed ? parsed.subscribers : [parsed];
    if (raw.length > MAX_ITEMS) {
      res.status(413).json({
        error: true,
        message: `At most ${MAX_ITEMS} subscribers per request, got ${raw.length}. Split the request. Nothing was changed.`,
      });
      return;
    }
    const items = parseOr400(res, z.array(subscriber), raw);
    if (!items) return;
    const resolved = await resolveAction(deps, req, res, 'customer-create');
    if (!resolved || !within413(res, resolved.action, items.length)) return;
    await runBackSync(deps, req, res, resolved.shop, { action: 'customer-create', items });
  };
