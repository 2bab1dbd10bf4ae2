// Item schema of each list resource, keyed like RESOURCE_INFO, so generic helpers (pages, fetch by ids)
// validate and type what they return.
import type { z } from 'zod';
import { customer } from './customers.js';
import { order, orderStatus } from './orders.js';
import { category, parameter, product } from './products.js';
import { language, payment, shipment } from './shop.js';
import { voucher, webhook } from './addon-objects.js';

export const ITEM_SCHEMAS = {
  orders: order,
  orderStatuses: orderStatus,
  products: product,
  parameters: parameter,
  categories: category,
  customers: customer,
  shipments: shipment,
  payments: payment,
  vouchers: voucher,
  languages: language,
  webhooks: webhook,
} as const;

export type ListResource = keyof typeof ITEM_SCHEMAS;
export type ItemOf<R extends ListResource> = z.output<(typeof ITEM_SCHEMAS)[R]>;

/** Resources Upgates can fetch by an id list (`order_numbers=a;b`, `ids=1;2`). */
export type ByIdResource = 'orders' | 'products' | 'parameters' | 'categories' | 'customers' | 'shipments' | 'payments' | 'vouchers';

export * from './common.js';
export * from './orders.js';
export * from './products.js';
export * from './customers.js';
export * from './shop.js';
export * from './addon-objects.js';
