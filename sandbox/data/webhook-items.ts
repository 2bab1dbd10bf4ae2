// Webhook payload items per family, exactly as reference §4.3 lists them. The sender wraps them into
// `{ project_name, <list key>: [...] }` (Products.delete also carries `variants`).
import { nameIn } from './catalog.js';
import type { CategoryRec } from './catalog.js';
import type { CustomerRec, OrderRec, ProductRec, ShopData } from './model.js';
import { isoTime } from '../time.js';

export type WebhookAction = 'create' | 'update' | 'delete';
export type Item = Record<string, unknown>;
export interface ChangeEvent {
  /** `Orders.update` */
  event: string;
  item: Item;
  /** Products.delete only: the product's variants, sent in a separate top-level list. */
  variants?: Item[];
}

const timeKey = (a: WebhookAction): string => (a === 'create' ? 'creation_time' : a === 'update' ? 'last_update_time' : 'deletion_time');
const timeOf = (a: WebhookAction, rec: { created: number; updated: number; deleted: number }): string =>
  isoTime(a === 'create' ? rec.created : a === 'update' ? rec.updated : rec.deleted);

export function orderEvent(d: ShopData, o: OrderRec, a: WebhookAction): ChangeEvent {
  if (a === 'delete') return { event: 'Orders.delete', item: { order_number: o.num, deletion_time: isoTime(o.deleted) } };
  const status = o.statusId === null ? undefined : d.catalog.orderStatuses.find((s) => s.id === o.statusId);
  return {
    event: `Orders.${a}`,
    item: { order_number: o.num, [timeKey(a)]: timeOf(a, o), status_id: o.statusId, status: status ? nameIn(status.names, o.lang) : null },
  };
}

export function productEvent(p: ProductRec, a: WebhookAction): ChangeEvent {
  const ev: ChangeEvent = { event: `Products.${a}`, item: { product_id: p.id, code: p.code, [timeKey(a)]: timeOf(a, p) } };
  if (a === 'delete') ev.variants = p.variants.map((v) => ({ variant_id: v.id, code: v.code, deletion_time: isoTime(p.deleted) }));
  return ev;
}

export function customerEvent(c: CustomerRec, a: WebhookAction): ChangeEvent {
  const item: Item = { customer_id: c.id, email: c.email, code: c.code, [timeKey(a)]: timeOf(a, c) };
  // Changelog 30.10.2024: active_yn and blocked_yn added to Customers.create (placement inside the item inferred).
  if (a === 'create') Object.assign(item, { active_yn: c.active, blocked_yn: c.blocked });
  return { event: `Customers.${a}`, item };
}

export function categoryEvent(c: CategoryRec, a: WebhookAction): ChangeEvent {
  return { event: `Categories.${a}`, item: { category_id: c.id, code: c.code, [timeKey(a)]: timeOf(a, c) } };
}

/** List key in the payload per family. */
export const LIST_KEY: Record<string, string> = {
  Orders: 'orders',
  OrderStatuses: 'statuses',
  Products: 'products',
  Categories: 'categories',
  Customers: 'customers',
  Shipments: 'shipments',
  Payments: 'payments',
  Labels: 'labels',
  Availabilities: 'availabilities',
  Pricelists: 'pricelists',
  Languages: 'languages',
  Invoices: 'invoices',
};
