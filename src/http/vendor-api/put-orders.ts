// PUT /api/vendor/shops/:token/orders  {orders: [{order_number, status_id?, tracking_code?}]}  (≤ 100)
// The batch form of putOrder: one Upgates PUT for up to 100 orders.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync, within413 } from './back-sync-gateway.js';
import { MAX_ITEMS, orderStatusFields } from './schemas.js';
import { parseOr400 } from './validation.js';

const order = z
  .object({ order_number: z.string().min(1).max(64), ...orderStatusFields })
  .strict()
  .refine((o) => o.status_id !== undefined || o.tracking_code !== undefined, 'status_id or tracking_code is required');
const body = z.object({ orders: z.array(z.unknown()).min(1) }).strict();

export const putOrders =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const envelope = parseOr400(res, body, req.body ?? {});
    if (!envelope) return;
    if (envelope.orders.length > MAX_ITEMS) {
      res.status(413).json({
        error: true,
        message: `At most ${MAX_ITEMS} orders per request, got ${envelope.orders.length}. Split the request. Nothing was changed.`,
      });
      return;
    }
    const orders = parseOr400(res, z.array(order), envelope.orders);
    if (!orders) return;
    const resolved = await resolveAction(deps, req, res, 'order-status');
    if (!resolved || !within413(res, resolved.action, orders.length)) return;
    await runBackSync(deps, req, res, resolved.shop, { action: 'order-status', items: orders });
  };
