// The Upgates resources this backend knows, with their REST path, webhook family, id field and page size.
// Shared vocabulary for the API client, the sandbox, the profiles, the usage ledger and the sync workflow.

export const RESOURCES = [
  'owner',
  'config',
  'languages',
  'orders',
  'orderStatuses',
  'products',
  'parameters',
  'categories',
  'customers',
  'shipments',
  'payments',
  'webhooks',
  'conversionCodes',
  'vouchers',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** An API access as Upgates' Marketplace form declares it: a resource and a method ("Orders", "GET"). */
export type Access = `${Resource}:${HttpMethod}`;
export const access = (resource: Resource, method: HttpMethod): Access => `${resource}:${method}`;

export interface ResourceInfo {
  /** Path under /api/v2. */
  path: string;
  /** Webhook event family (`Orders` in `Orders.create`), when Upgates has one. */
  webhookFamily?: string;
  /** Key of the list in webhook payloads (`orders`, `statuses`, ...). */
  webhookListKey?: string;
  /** Field that identifies a record in webhook payloads and API responses. */
  idField?: string;
  /** Query parameter that fetches several records by id, `;`-separated. */
  idsQuery?: string;
  /** Documented page size of the list endpoint (undefined: not paginated or not documented). */
  pageSize?: number;
  /** Key of the list in GET responses. */
  listKey?: string;
}

export const RESOURCE_INFO: Record<Resource, ResourceInfo> = {
  owner: { path: '/owner', listKey: 'owner' },
  config: { path: '/config', listKey: 'config' },
  languages: { path: '/languages', webhookFamily: 'Languages', webhookListKey: 'languages', idField: 'language_id', listKey: 'languages' },
  orders: {
    path: '/orders',
    webhookFamily: 'Orders',
    webhookListKey: 'orders',
    idField: 'order_number',
    idsQuery: 'order_numbers',
    pageSize: 100,
    listKey: 'orders',
  },
  orderStatuses: {
    path: '/order-statuses',
    webhookFamily: 'OrderStatuses',
    webhookListKey: 'statuses',
    idField: 'order_status_id',
    listKey: 'order_statuses',
  },
  products: {
    path: '/products',
    webhookFamily: 'Products',
    webhookListKey: 'products',
    idField: 'product_id',
    idsQuery: 'product_ids',
    pageSize: 50,
    listKey: 'products',
  },
  parameters: { path: '/parameters', idField: 'id', idsQuery: 'ids', pageSize: 100, listKey: 'parameters' },
  categories: {
    path: '/categories',
    webhookFamily: 'Categories',
    webhookListKey: 'categories',
    idField: 'category_id',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'categories',
  },
  customers: {
    path: '/customers',
    webhookFamily: 'Customers',
    webhookListKey: 'customers',
    idField: 'customer_id',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'customers',
  },
  shipments: {
    path: '/shipments',
    webhookFamily: 'Shipments',
    webhookListKey: 'shipments',
    idField: 'id',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'shipments',
  },
  payments: {
    path: '/payments',
    webhookFamily: 'Payments',
    webhookListKey: 'payments',
    idField: 'id',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'payments',
  },
  webhooks: { path: '/webhooks', listKey: 'webhooks' },
  conversionCodes: { path: '/conversion-codes', listKey: 'conversion_codes' },
  vouchers: { path: '/vouchers', idField: 'voucher_code', idsQuery: 'voucher_codes', pageSize: 100, listKey: 'vouchers' },
};

/** Webhook event names as Upgates spells them, e.g. `Orders.update`. */
export type WebhookAction = 'create' | 'update' | 'delete';
export const webhookEvent = (resource: Resource, action: WebhookAction): string => {
  const family = RESOURCE_INFO[resource].webhookFamily;
  if (!family) throw new Error(`Upgates has no webhooks for ${resource}`);
  return `${family}.${action}`;
};
