// POST /api/vendor/shops/:token/campaigns/:id/vouchers  {count, type, currency_id, amount, date_from?, date_to?}
// One Upgates call creates the campaign's whole batch of coupons; the answer lists the codes Upgates chose.
// The note carries the campaign id so the merchant recognises the coupons in the Upgates admin.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { backSyncItemSchemas } from '../../profiles/back-sync-items.js';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync } from './back-sync-gateway.js';
import { parseOr400 } from './validation.js';

const params = z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'campaign id: 1-64 characters of A-Z a-z 0-9 . _ -') });
const body = backSyncItemSchemas['campaign-vouchers'].omit({ note: true }).strict();

export const postCampaignVouchers =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    const b = p && parseOr400(res, body, req.body ?? {});
    if (!p || !b) return;
    if (b.date_from && b.date_to && b.date_to < b.date_from) {
      res.status(400).json({ error: true, message: 'Invalid request: date_to is before date_from. Nothing was changed.' });
      return;
    }
    const resolved = await resolveAction(deps, req, res, 'campaign-vouchers');
    if (!resolved) return;
    await runBackSync(deps, req, res, resolved.shop, { action: 'campaign-vouchers', items: [{ ...b, note: `campaign ${p.id}` }] });
  };
