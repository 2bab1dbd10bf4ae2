// /customers: list (100/page) with filters incl. newsletter_accept, GET by id, POST/PUT paired by login.email,
// DELETE by id(s) or email.
import { Router, type Request } from 'express';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { type Json, idList, isObject, msg, toBool } from '../coerce.js';
import * as m from '../data/mutate.js';
import type { CustomerRec, ShopData } from '../data/model.js';
import { renderCustomer } from '../data/render.js';
import { pageParam, paginate, q, sendError, shopOf } from '../http.js';
import { bodyList, notAllowed, parseFrom, sec } from './common.js';

const PAGE = RESOURCE_INFO.customers.pageSize ?? 100;

function filterCustomers(d: ShopData, req: Request): CustomerRec[] | string {
  const ids = idList(req.query.ids ?? req.query.customer_id)?.map(Number);
  const createdFrom = parseFrom(q(req, 'creation_time_from'));
  const updatedFrom = parseFrom(q(req, 'last_update_time_from'));
  if (
    (q(req, 'creation_time_from') !== undefined && createdFrom === null) ||
    (q(req, 'last_update_time_from') !== undefined && updatedFrom === null)
  )
    return 'Invalid date.';
  const email = q(req, 'email')?.toLowerCase();
  const code = q(req, 'code');
  const newsletter = q(req, 'newsletter_accept');
  const active = toBool(q(req, 'active_yn'));
  const blocked = toBool(q(req, 'blocked_yn'));
  const language = q(req, 'language');
  const base = ids ? ids.map((id) => d.customerById.get(id)).filter((c): c is CustomerRec => !!c) : d.customers;
  return base.filter(
    (c) =>
      !c.deleted &&
      (createdFrom === null || sec(c.created) >= createdFrom) &&
      (updatedFrom === null || sec(c.updated) >= updatedFrom) &&
      (email === undefined || c.email === email) &&
      (code === undefined || c.code === code) &&
      (newsletter === undefined || c.newsletter === newsletter) &&
      (active === undefined || c.active === active) &&
      (blocked === undefined || c.blocked === blocked) &&
      (language === undefined || c.lang === language),
  );
}

export function customerRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.route('/customers')
    .get((req, res) => {
      const d = shopOf(res).store;
      const found = filterCustomers(d, req);
      if (typeof found === 'string') return sendError(res, 400, found);
      const page = paginate(ctx, found, pageParam(req), PAGE);
      res.json({ ...page.envelope, customers: page.items.map((c) => renderCustomer(d, c)) });
    })
    .put((req, res) => {
      const shop = shopOf(res);
      const items = bodyList(req, 'customers');
      if (!items) return sendError(res, 400, 'Missing "customers" array.');
      const out = items.map((item, k) => {
        const path = `customers[${k}]`;
        if (!isObject(item)) return { email: null, updated_yn: false, messages: [msg(path, null, 'Invalid item.')] };
        const result = m.updateCustomer(shop.mutationContext, item, path);
        return { email: m.loginEmail(item) ?? null, updated_yn: result.ok, messages: result.messages };
      });
      res.json({ customers: out });
    })
    .post((req, res) => {
      const shop = shopOf(res);
      const items = bodyList(req, 'customers');
      if (!items) return sendError(res, 400, 'Missing "customers" array.');
      const out = items.map((item, k) => {
        const path = `customers[${k}]`;
        if (!isObject(item)) return { email: null, inserted_yn: false, messages: [msg(path, null, 'Invalid item.')] };
        const result = m.createCustomer(shop.mutationContext, item, path);
        return {
          email: m.loginEmail(item) ?? null,
          customer_id: result.customer?.id ?? null,
          inserted_yn: result.ok,
          messages: result.messages,
        };
      });
      res.json({ customers: out });
    })
    .delete((req, res) => {
      const shop = shopOf(res);
      const d = shop.store;
      const ids = idList(req.query.ids ?? req.query.id);
      const email = q(req, 'email');
      if (!ids && !email) return sendError(res, 400, 'id, ids or email is required.');
      const targets: Array<{ key: Json; c: CustomerRec | undefined }> = ids
        ? ids.map((id) => ({ key: { customer_id: Number(id) }, c: d.customerById.get(Number(id)) }))
        : [{ key: { email }, c: m.findCustomer(d, email!) }];
      const out = targets.map(({ key, c }, k) => {
        if (!c || c.deleted)
          return {
            customer_id: key.customer_id ?? null,
            email: key.email ?? null,
            deleted_yn: false,
            messages: [msg(`ids[${k}]`, null, 'Customer not found.')],
          };
        m.deleteCustomer(shop.mutationContext, c);
        return { customer_id: c.id, email: c.email, deleted_yn: true, messages: [] };
      });
      res.json({ customers: out });
    })
    .all(notAllowed);
  r.route('/customers/:customer_id')
    .get((req, res) => {
      const d = shopOf(res).store;
      const c = d.customerById.get(Number(req.params.customer_id));
      if (!c || c.deleted) return sendError(res, 404, 'Customer not found.');
      res.json({ current_page: 1, current_page_items: 1, number_of_pages: 1, number_of_items: 1, customers: [renderCustomer(d, c)] });
    })
    .all(notAllowed);
  return r;
}
