// /orders: list with the documented filters and 100/page, one order, PUT updates (per-item results), POST
// creates, DELETE by order number(s).
import { Router, type Request } from 'express';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { type ApiMessage, type Json, idList, isObject, msg, toBool } from '../coerce.js';
import { renderOrder } from '../data/render.js';
import * as m from '../data/mutate.js';
import type { OrderRec, ShopData } from '../data/model.js';
import { nameIn } from '../data/catalog.js';
import { pageParam, paginate, q, sendError, shopOf } from '../http.js';
import { bodyList, notAllowed, parseFrom, parseTo, sec } from './common.js';

const PAGE = RESOURCE_INFO.orders.pageSize ?? 100;

function filterOrders(d: ShopData, req: Request): OrderRec[] | string {
  const numbers = idList(req.query.order_numbers ?? req.query.order_number);
  const createdFrom = parseFrom(q(req, 'creation_time_from'));
  const createdTo = parseTo(q(req, 'creation_time_to'));
  const updatedFrom = parseFrom(q(req, 'last_update_time_from'));
  for (const [name, v] of [
    ['creation_time_from', createdFrom],
    ['creation_time_to', createdTo],
    ['last_update_time_from', updatedFrom],
  ] as const) {
    if (q(req, name) !== undefined && v === null) return `Invalid date in ${name}.`;
  }
  const statusIds = idList(req.query.status_ids ?? req.query.status_id)?.map(Number);
  const statusName = q(req, 'status');
  const language = q(req, 'language');
  const email = q(req, 'email')?.toLowerCase();
  const paidOnly = toBool(q(req, 'paid_yn')) === true;
  const numberSet = numbers ? new Set(numbers) : undefined;
  let list = (numberSet ? numbers!.map((n) => d.orderByNum.get(n)).filter((o): o is OrderRec => !!o) : d.orders).filter((o) => {
    if (o.deleted) return false;
    if (createdFrom !== null && sec(o.created) < createdFrom) return false;
    if (createdTo !== null && sec(o.created) > createdTo) return false;
    if (updatedFrom !== null && sec(o.updated) < updatedFrom) return false;
    if (statusIds && (o.statusId === null || !statusIds.includes(o.statusId))) return false;
    if (language && o.lang !== language) return false;
    if (paidOnly && o.paid === null) return false;
    if (statusName !== undefined) {
      if (statusName === '') return o.statusId === null;
      const s = d.catalog.orderStatuses.find((x) => x.id === o.statusId);
      if (!s || nameIn(s.names, o.lang) !== statusName) return false;
    }
    if (email) {
      const c = o.cust ? d.customerById.get(o.cust) : undefined;
      const orderEmail = o.custom
        ? String((o.custom.customer as Json | undefined)?.email ?? '')
        : (c?.email ?? `guest.${o.num}@example.com`);
      if (orderEmail.toLowerCase() !== email) return false;
    }
    return true;
  });
  const by = q(req, 'order_by');
  const dir = q(req, 'order_dir') === 'desc' ? -1 : 1;
  if (by === 'creation_time' || by === 'last_update_time' || dir === -1) {
    const key = by === 'last_update_time' ? 'updated' : 'created';
    list = [...list].sort((a, b) => (a[key] - b[key] || a.i - b.i) * dir);
  }
  return list;
}

/** The corrupt-record switch (ShopState.corruptOrders): a number where Upgates sends a date string. */
function corruptIfAsked(corrupt: ReadonlySet<string>, order: Json): Json {
  return corrupt.has(String(order.order_number)) ? { ...order, last_update_time: 12345 } : order;
}

export function orderRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.route('/orders')
    .get((req, res) => {
      const d = shopOf(res).store;
      const list = filterOrders(d, req);
      if (typeof list === 'string') return sendError(res, 400, list);
      const page = paginate(ctx, list, pageParam(req), PAGE);
      const shop = shopOf(res);
      res.json({ ...page.envelope, orders: page.items.map((o) => corruptIfAsked(shop.corruptOrders, renderOrder(d, o))) });
    })
    .put((req, res) => {
      const shop = shopOf(res);
      const items = bodyList(req, 'orders');
      if (!items) return sendError(res, 400, 'Missing "orders" array.');
      const body = req.body as Json;
      const sendEmails = toBool(body.send_emails_yn) ?? true;
      const out = items.map((item, k) => {
        const path = `orders[${k}]`;
        if (!isObject(item) || item.order_number === undefined)
          return {
            order_number: null,
            order_url: null,
            updated_yn: false,
            messages: [msg(path, 'order_number', 'order_number is required.')],
          };
        const num = String(item.order_number);
        const result = m.updateOrder(shop.mutationContext, num, item, path, sendEmails);
        return {
          order_number: num,
          order_url: result.ok ? `${shop.apiUrl}/orders/${num}` : null,
          updated_yn: result.ok,
          messages: result.messages,
        };
      });
      res.json({ orders: out });
    })
    .post((req, res) => {
      const shop = shopOf(res);
      const items = bodyList(req, 'orders');
      if (!items) return sendError(res, 400, 'Missing "orders" array.');
      const out = items.map((item, k) => {
        const path = `orders[${k}]`;
        const problems: ApiMessage[] = [];
        if (!isObject(item))
          return {
            external_order_number: null,
            order_number: null,
            order_url: null,
            created_yn: false,
            messages: [msg(path, null, 'Order must be an object.')],
          };
        if (typeof item.language_id !== 'string') problems.push(msg(path, 'language_id', 'language_id is required.'));
        if (!isObject(item.customer) || typeof item.customer.email !== 'string')
          problems.push(msg(`${path}.customer`, 'email', 'customer.email is required.'));
        if (!Array.isArray(item.products) || item.products.length === 0) problems.push(msg(path, 'products', 'products are required.'));
        else
          item.products.forEach((p, j) => {
            if (!isObject(p) || p.title === undefined || p.price_per_unit === undefined || p.vat === undefined)
              problems.push(msg(`${path}.products[${j}]`, null, 'title, price_per_unit and vat are required.'));
          });
        const ext = typeof item.external_order_number === 'string' ? item.external_order_number : null;
        if (problems.length > 0)
          return { external_order_number: ext, order_number: null, order_url: null, created_yn: false, messages: problems };
        const o = m.createOrder(shop.mutationContext, item);
        return {
          external_order_number: ext,
          order_number: o.num,
          order_url: `${shop.apiUrl}/orders/${o.num}`,
          created_yn: true,
          messages: [],
        };
      });
      res.json({ orders: out });
    })
    .delete((req, res) => {
      const shop = shopOf(res);
      const numbers = idList(req.query.order_numbers ?? req.query.order_number);
      if (!numbers || numbers.length === 0) return sendError(res, 400, 'order_number or order_numbers is required.');
      res.json({ orders: deleteMany(shop.mutationContext, numbers) });
    })
    .all(notAllowed);

  r.route('/orders/:order_number')
    .get((req, res) => {
      const d = shopOf(res).store;
      const o = m.findOrder(d, String(req.params.order_number));
      if (!o) return sendError(res, 404, 'Order not found.');
      const rendered = corruptIfAsked(shopOf(res).corruptOrders, renderOrder(d, o));
      res.json({ current_page: 1, current_page_items: 1, number_of_pages: 1, number_of_items: 1, orders: [rendered] });
    })
    .delete((req, res) => {
      res.json({ orders: deleteMany(shopOf(res).mutationContext, [String(req.params.order_number)]) });
    })
    .all(notAllowed);
  return r;
}

function deleteMany(ctx: m.MutationContext, numbers: string[]): Json[] {
  return numbers.map((num, k) => {
    const ok = m.deleteOrder(ctx, num);
    return { order_number: num, deleted_yn: ok, messages: ok ? [] : [msg(`order_numbers[${k}]`, 'order_number', 'Order not found.')] };
  });
}
