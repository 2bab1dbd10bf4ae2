// GET /api/vendor/shops/:token/records/:resource/:id — one mirrored record in its current state (the newest
// stored version): `{resource, id, deleted, last_update_time, data}`; a deleted record answers 200 with
// `deleted: true` and no data (we keep only its tombstone). 400 unknown resource, 401, 403, 404 unknown shop or
// a record we never held, 503 database down.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { RESOURCES } from '../../upgates/resources.js';
import type { AppDeps } from '../deps.js';
import { parseOr400 } from './validation.js';

const params = z.object({
  token: z.string().min(1).max(128),
  resource: z.enum(RESOURCES),
  id: z.string().min(1).max(200),
});

export const getRecord =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    if (!p) return;
    const shop = await deps.stores.shops.findByToken<{ token: string }>(p.token, { token: 1 });
    if (!shop) {
      res.status(404).json({ error: true, message: `Unknown shop ${p.token}` });
      return;
    }
    const record = await deps.stores.changes.readRecord(p.token, p.resource, p.id);
    if (!record) {
      res.status(404).json({ error: true, message: `No ${p.resource} record ${p.id} in the mirror of shop ${p.token}` });
      return;
    }
    res.json(record);
  };
