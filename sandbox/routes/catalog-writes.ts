// Documented write methods of the code lists: POST/PUT/DELETE /order-statuses (single object, key
// `order_status`), /parameters and /categories (arrays, key = the list's name). Registered before the read
// routes so their `.all(notAllowed)` does not answer 405 first.
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from '../context.js';
import { type Json, idList, msg, toBool } from '../coerce.js';
import type { CategoryRec } from '../data/catalog.js';
import { sendError, shopOf } from '../http.js';
import { bodyList } from './common.js';

type Names = Record<string, string>;

function namesOf(descriptions: unknown): Names | undefined {
  if (!Array.isArray(descriptions)) return undefined;
  const out: Names = {};
  for (const d of descriptions as Json[]) if (typeof d?.language_id === 'string' && typeof d.name === 'string') out[d.language_id] = d.name;
  return out;
}

export function catalogWriteRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const now = (): number => ctx.clock.now();

  r.post('/order-statuses', (req, res) => {
    const b = req.body as Json;
    const names = namesOf(b.descriptions);
    if (!names || Object.keys(names).length === 0) return sendError(res, 400, 'descriptions are required.');
    const list = shopOf(res).store.catalog.orderStatuses;
    const id = Math.max(0, ...list.map((s) => s.id)) + 1;
    const t = now();
    list.push({
      id,
      type: 'Custom', // documented: a new status is always Custom
      color: typeof b.color === 'string' ? b.color : '#ffffff',
      names,
      mark_resolved_yn: toBool(b.mark_resolved_yn) ?? false,
      mark_paid_yn: toBool(b.mark_paid_yn) ?? false,
      created: t,
      updated: t,
    });
    res.json({ order_status: { id, created_yn: true, messages: [] } });
  });
  r.put('/order-statuses', (req, res) => {
    const b = req.body as Json;
    const s = shopOf(res).store.catalog.orderStatuses.find((x) => String(x.id) === String(b.id));
    if (b.id === undefined) return sendError(res, 400, 'id is required.');
    if (!s) return sendError(res, 404, 'Order status not found.');
    const names = namesOf(b.descriptions);
    if (names) Object.assign(s.names, names);
    if (typeof b.color === 'string') s.color = b.color;
    s.mark_resolved_yn = toBool(b.mark_resolved_yn) ?? s.mark_resolved_yn;
    s.mark_paid_yn = toBool(b.mark_paid_yn) ?? s.mark_paid_yn;
    s.updated = now();
    res.json({ order_status: { id: s.id, updated_yn: true, messages: [] } });
  });
  r.delete('/order-statuses/:id', (req, res) => {
    const cat = shopOf(res).store.catalog;
    const s = cat.orderStatuses.find((x) => String(x.id) === req.params.id);
    if (!s) return sendError(res, 404, 'Order status not found.');
    if (s.type !== 'Custom')
      return res.json({
        order_status: { id: s.id, deleted_yn: false, messages: [msg('order_status', 'type', 'Only Custom statuses can be deleted.')] },
      });
    cat.orderStatuses = cat.orderStatuses.filter((x) => x !== s);
    res.json({ order_status: { id: s.id, deleted_yn: true, messages: [] } });
  });

  const params = (res: Response): Json[] => shopOf(res).store.catalog.parameters;
  r.post('/parameters', (req, res) => {
    const items = bodyList(req, 'parameters');
    if (!items) return sendError(res, 400, 'parameters must be an array.');
    const list = params(res);
    const out = items.map((it, k) => {
      const names = namesOf((it as Json)?.descriptions);
      if (!names) return { id: null, created_yn: false, messages: [msg(`parameters[${k}]`, 'descriptions', 'descriptions are required.')] };
      const id = Math.max(0, ...list.map((p) => Number(p.id) || 0)) + 1;
      list.push({ ...(it as Json), id });
      return { id, created_yn: true, messages: [] };
    });
    res.json({ parameters: out });
  });
  r.put('/parameters', (req, res) => {
    const items = bodyList(req, 'parameters');
    if (!items) return sendError(res, 400, 'parameters must be an array.');
    const out = items.map((it, k) => {
      const p = params(res).find((x) => String(x.id) === String((it as Json)?.id));
      if (!p) return { id: (it as Json)?.id ?? null, updated_yn: false, messages: [msg(`parameters[${k}]`, 'id', 'Parameter not found.')] };
      Object.assign(p, it as Json, { id: p.id });
      return { id: p.id, updated_yn: true, messages: [] };
    });
    res.json({ parameters: out });
  });
  const deleteParams = (ids: string[], res: Response): void => {
    const cat = shopOf(res).store.catalog;
    const out = ids.map((id, k) => {
      const hit = cat.parameters.some((x) => String(x.id) === id);
      cat.parameters = cat.parameters.filter((x) => String(x.id) !== id);
      return { id, deleted_yn: hit, messages: hit ? [] : [msg(`ids[${k}]`, 'id', 'Parameter not found.')] };
    });
    res.json({ parameters: out });
  };
  r.delete('/parameters/:id', (req, res) => deleteParams([String(req.params.id)], res));
  r.delete('/parameters', (req, res) => {
    const ids = idList(req.query.ids ?? req.query.id);
    if (!ids) return sendError(res, 400, 'ids are required.');
    deleteParams(ids, res);
  });

  const cats = (res: Response): CategoryRec[] => shopOf(res).store.categories;
  r.post('/categories', (req, res) => {
    const items = bodyList(req, 'categories');
    if (!items) return sendError(res, 400, 'categories must be an array.');
    const list = cats(res);
    const out = items.map((raw, k) => {
      const it = raw as Json;
      const code = typeof it?.code === 'string' ? it.code : undefined;
      if (code && list.some((c) => c.code === code && !c.deleted))
        return { code, id: null, inserted_yn: false, messages: [msg(`categories[${k}]`, 'code', 'Code already exists.')] };
      const id = Math.max(0, ...list.map((c) => c.id)) + 1;
      const t = now();
      list.push({
        id,
        code: code ?? String(id),
        parentId: typeof it.parent_id === 'number' ? it.parent_id : null,
        position: list.length + 1,
        names: namesOf(it.descriptions) ?? {},
        created: t,
        updated: t,
        deleted: 0,
        patch: { active_yn: toBool(it.active_yn) ?? true },
      });
      return { code: code ?? String(id), id, inserted_yn: true, messages: [] };
    });
    res.json({ categories: out });
  });
  const findCat = (res: Response, it: Json): CategoryRec | undefined =>
    cats(res).find(
      (c) => !c.deleted && ((it.id !== undefined && String(c.id) === String(it.id)) || (it.code !== undefined && c.code === it.code)),
    );
  r.put('/categories', (req, res) => {
    const items = bodyList(req, 'categories');
    if (!items) return sendError(res, 400, 'categories must be an array.');
    const out = items.map((raw, k) => {
      const it = raw as Json;
      const c = findCat(res, it);
      if (!c)
        return {
          code: it?.code ?? null,
          id: it?.id ?? null,
          updated_yn: false,
          messages: [msg(`categories[${k}]`, 'code', 'Category not found.')],
        };
      const names = namesOf(it.descriptions);
      if (names) Object.assign(c.names, names);
      const active = toBool(it.active_yn);
      if (active !== undefined) c.patch = { ...c.patch, active_yn: active };
      c.updated = now();
      return { code: c.code, id: c.id, updated_yn: true, messages: [] };
    });
    res.json({ categories: out });
  });
  r.delete('/categories', (req: Request, res: Response) => {
    const ids = idList(req.query.ids ?? req.query.id);
    const codes = idList(req.query.code);
    if (!ids && !codes) return sendError(res, 400, 'id, ids or code is required.');
    const keys = [...(ids ?? []).map((id) => ({ id })), ...(codes ?? []).map((code) => ({ code }))];
    const out = keys.map((key, k) => {
      const c = findCat(res, key);
      if (!c) return { ...key, deleted_yn: false, messages: [msg(`categories[${k}]`, null, 'Category not found.')] };
      c.deleted = now();
      c.updated = c.deleted;
      return { id: c.id, code: c.code, deleted_yn: true, messages: [] };
    });
    res.json({ categories: out });
  });
  return r;
}
