// DELETE /api/vendor/shops/:token/campaigns/:id/vouchers  {voucher_codes: [...]}  (≤ 100)
// Removes the unused coupons of a cancelled campaign. The codes come from the create answer: we do not
// declare vouchers:GET, so we cannot look them up by campaign.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync, within413 } from './back-sync-gateway.js';
import { MAX_ITEMS } from './schemas.js';
import { parseOr400 } from './validation.js';

const params = z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'campaign id: 1-64 characters of A-Z a-z 0-9 . _ -') });
const body = z.object({ voucher_codes: z.array(z.string().min(1).max(64)).min(1) }).strict();

export const deleteCampaignVouchers =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    const b = p && parseOr400(res, body, req.body ?? {});
    if (!p || !b) return;
    if (b.voucher_codes.length > MAX_ITEMS) {
      res.status(413).json({
        error: true,
        message: `At most ${MAX_ITEMS} voucher codes per request, got ${b.voucher_codes.length}. Split the request. Nothing was changed.`,
      });
      return;
    }
    const resolved = await resolveAction(deps, req, res, 'campaign-vouchers-delete');
    if (!resolved || !within413(res, resolved.action, b.voucher_codes.length)) return;
    await runBackSync(deps, req, res, resolved.shop, {
      action: 'campaign-vouchers-delete',
      items: b.voucher_codes.map((voucher_code) => ({ voucher_code })),
    });
  };
