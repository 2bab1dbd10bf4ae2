// PUT /api/vendor/shops/:token/orders/:orderNumber  {status_id?, tracking_code?}
// Sets one order's status and/or tracking code (action 'order-status'; expedition and fulfillment).
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync } from './back-sync-gateway.js';
import { orderStatusFields } from './schemas.js';
import { parseOr400 } from './validation.js';

const body = z
  .object(orderStatusFields)
  .strict()
  .refine((o) => o.status_id !== undefined || o.tracking_code !== undefined, 'status_id or tracking_code is required');
const params = z.object({ orderNumber: z.string().min(1).max(64) });

export const putOrder =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    const b = p && parseOr400(res, body, req.body ?? {});
    if (!p || !b) return;
    const resolved = await resolveAction(deps, req, res, 'order-status');
    if (!resolved) return;
    await runBackSync(deps, req, res, resolved.shop, { action: 'order-status', items: [{ order_number: p.orderNumber, ...b }] });
  };
