// PUT /api/vendor/shops/:token/stock  {items: [{code, stock, variants?: [{code, stock}]}]}  (≤ 100)
// Absolute warehouse stock (fulfillment). `stock_increment` is refused: Upgates already deducted ordered
// quantities, so a relative write would deduct them twice.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { backSyncItemSchemas, mentionsStockIncrement } from '../../profiles/back-sync-items.js';
import type { AppDeps } from '../deps.js';
import { resolveAction, runBackSync, within413 } from './back-sync-gateway.js';
import { MAX_ITEMS } from './schemas.js';
import { parseOr400 } from './validation.js';

const body = z.object({ items: z.array(z.unknown()).min(1) }).strict();

export const putStock =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    if (mentionsStockIncrement(req.body)) {
      res.status(400).json({
        error: true,
        message:
          'stock_increment is not accepted: send the absolute stock (Upgates already deducted ordered quantities). Nothing was changed.',
      });
      return;
    }
    const envelope = parseOr400(res, body, req.body ?? {});
    if (!envelope) return;
    if (envelope.items.length > MAX_ITEMS) {
      res.status(413).json({
        error: true,
        message: `At most ${MAX_ITEMS} products per request, got ${envelope.items.length}. Split the request. Nothing was changed.`,
      });
      return;
    }
    const items = parseOr400(res, z.array(backSyncItemSchemas.stock), envelope.items);
    if (!items) return;
    const resolved = await resolveAction(deps, req, res, 'stock');
    if (!resolved || !within413(res, resolved.action, items.length)) return;
    await runBackSync(deps, req, res, resolved.shop, { action: 'stock', items });
  };
