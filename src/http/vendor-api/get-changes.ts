// GET /api/vendor/shops/:token/changes?resources=orders,products&cursor=<opaque>&limit=100 — the change feed
// (issue 17.2, src/db/change-feed.ts): the records the shop changed after the cursor, in change-sequence order,
// each in its current state, deletions included; `next_cursor` continues, `has_more` says whether to read again
// at once. Read-only (a claim left open for 5 minutes by a dead writer is aborted on the way, see
// src/db/change-sequence.ts). 400 malformed query or cursor, 401, 403, 404 unknown shop, 503 database down.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../db/change-feed.js';
import { RESOURCES } from '../../upgates/resources.js';
import type { AppDeps } from '../deps.js';
import { parseOr400 } from './validation.js';

export const MAX_CHANGES_LIMIT = 1000;
const resourceNames = new Set<string>(RESOURCES);

const params = z.object({ token: z.string().min(1).max(128) });
const query = z.object({
  resources: z
    .string()
    .max(500)
    .optional()
    .transform((value) => (value ? value.split(',').map((r) => r.trim()) : [...RESOURCES]))
    .refine((list) => list.length > 0 && list.every((r) => resourceNames.has(r)), {
      message: `a comma-separated list of ${RESOURCES.join(', ')}`,
    }),
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CHANGES_LIMIT).default(100),
});

export const getChanges =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    if (!p) return;
    const q = parseOr400(res, query, req.query);
    if (!q) return;
    const after = q.cursor === undefined ? { s: 0 } : decodeCursor(q.cursor, q.resources);
    if (typeof after === 'string') {
      res.status(400).json({ error: true, message: `Invalid request: ${after}. Nothing was changed.` });
      return;
    }
    const shop = await deps.stores.shops.findByToken<{ token: string }>(p.token, { token: 1 });
    if (!shop) {
      res.status(404).json({ error: true, message: `Unknown shop ${p.token}` });
      return;
    }
    const page = await deps.stores.changes.read(p.token, { resources: q.resources, after, limit: q.limit });
    res.json({ changes: page.changes, next_cursor: encodeCursor(page.next, q.resources), has_more: page.hasMore });
  };
