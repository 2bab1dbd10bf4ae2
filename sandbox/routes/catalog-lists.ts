// Read-mostly code lists: /order-statuses, /parameters, /categories, /shipments, /payments.
// Page sizes not documented for shipments/payments/parameters/order statuses: we use the shared vocabulary's.
import { Router, type Request, type Response } from 'express';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { idList, toBool } from '../coerce.js';
import type { CategoryRec } from '../data/catalog.js';
import { renderCategory, renderOrderStatus } from '../data/render.js';
import { pageParam, paginate, q, sendError, shopOf } from '../http.js';
import { notAllowed, parseFrom, sec } from './common.js';

type Json = Record<string, unknown>;

export function catalogRoutes(ctx: SandboxContext): Router {
  const r = Router();

  const listOf =
    (key: string, size: number | undefined, pick: (req: Request, res: Response) => Json[] | string) => (req: Request, res: Response) => {
      const items = pick(req, res);
      if (typeof items === 'string') return sendError(res, 400, items);
      if (size === undefined) return void res.json({ [key]: items });
      const page = paginate(ctx, items, pageParam(req), size);
      res.json({ ...page.envelope, [key]: page.items });
    };
  const byIdOr404 = (key: string, pick: (res: Response) => Json[], idKey: string) => (req: Request, res: Response) => {
    const hit = pick(res).find((x) => String(x[idKey]) === String(req.params.id));
    if (!hit) return sendError(res, 404, 'Not found.');
    res.json({ [key]: [hit] });
  };

  const statuses = (res: Response): Json[] => {
    const d = shopOf(res).store;
    return d.catalog.orderStatuses.map((s) => renderOrderStatus(s, d.languages));
  };
  r.route('/order-statuses')
    .get(
      listOf('order_statuses', undefined, (req, res) =>
        statuses(res).filter((s) => q(req, 'type') === undefined || s.type === q(req, 'type')),
      ),
    )
    .all(notAllowed);
  r.route('/order-statuses/:id')
    .get(byIdOr404('order_statuses', statuses, 'id'))
    .all(notAllowed);

  const withIds = (items: Json[], req: Request, idKey: string): Json[] => {
    const ids = idList(req.query.ids);
    const codes = idList(req.query.codes ?? req.query.code);
    const type = q(req, 'type');
    return items.filter(
      (x) =>
        (!ids || ids.includes(String(x[idKey]))) && (!codes || codes.includes(String(x.code))) && (type === undefined || x.type === type),
    );
  };
  for (const [path, key, resource] of [
    ['/shipments', 'shipments', 'shipments'],
    ['/payments', 'payments', 'payments'],
    ['/parameters', 'parameters', 'parameters'],
  ] as const) {
    const all = (res: Response): Json[] => shopOf(res).store.catalog[resource];
    r.route(path)
      .get(listOf(key, RESOURCE_INFO[resource].pageSize, (req, res) => withIds(all(res), req, 'id')))
      .all(notAllowed);
    r.route(`${path}/:id`)
      .get(byIdOr404(key, all, 'id'))
      .all(notAllowed);
  }

  const categories = (req: Request, res: Response): Json[] | string => {
    const d = shopOf(res).store;
    const ids = idList(req.query.ids ?? req.query.category_id)?.map(Number);
    const codes = idList(req.query.codes ?? req.query.code);
    const parentId = q(req, 'parent_id');
    const updatedFrom = parseFrom(q(req, 'last_update_time_from'));
    const createdFrom = parseFrom(q(req, 'creation_time_from'));
    const active = toBool(q(req, 'active_yn'));
    const alive = d.categories.filter(
      (c: CategoryRec) =>
        !c.deleted &&
        (!ids || ids.includes(c.id)) &&
        (!codes || codes.includes(c.code)) &&
        (parentId === undefined || String(c.parentId) === parentId) &&
        (updatedFrom === null || sec(c.updated) >= updatedFrom) &&
        (createdFrom === null || sec(c.created) >= createdFrom) &&
        (active === undefined || (c.patch?.active_yn ?? true) === active),
    );
    // Documented order: parents first, then by position.
    alive.sort((a, b) => (a.parentId === null ? 0 : 1) - (b.parentId === null ? 0 : 1) || a.position - b.position || a.id - b.id);
    return alive.map((c) => renderCategory(d, c));
  };
  r.route('/categories')
    .get(listOf('categories', RESOURCE_INFO.categories.pageSize, categories))
    .all(notAllowed);
  return r;
}
