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
  languages: { path: '/languages', webhookFamily: 'Languages', listKey: 'languages' },
  orders: {
    path: '/orders',
    webhookFamily: 'Orders',
    idsQuery: 'order_numbers',
    pageSize: 100,
    listKey: 'orders',
  },
  orderStatuses: {
    path: '/order-statuses',
    webhookFamily: 'OrderStatuses',
    listKey: 'order_statuses',
  },
  products: {
    path: '/products',
    webhookFamily: 'Products',
    idsQuery: 'product_ids',
    pageSize: 50,
    listKey: 'products',
  },
  parameters: { path: '/parameters', idsQuery: 'ids', pageSize: 100, listKey: 'parameters' },
  categories: {
    path: '/categories',
    webhookFamily: 'Categories',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'categories',
  },
  customers: {
    path: '/customers',
    webhookFamily: 'Customers',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'customers',
  },
  shipments: {
    path: '/shipments',
    webhookFamily: 'Shipments',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'shipments',
  },
  payments: {
    path: '/payments',
    webhookFamily: 'Payments',
    idsQuery: 'ids',
    pageSize: 100,
    listKey: 'payments',
  },
  webhooks: { path: '/webhooks', listKey: 'webhooks' },
  conversionCodes: { path: '/conversion-codes', listKey: 'conversion_codes' },
  vouchers: { path: '/vouchers', idsQuery: 'voucher_codes', pageSize: 100, listKey: 'vouchers' },
};

/** Webhook event names as Upgates spells them, e.g. `Orders.update`. */
export type WebhookAction = 'create' | 'update' | 'delete';
export const webhookEvent = (resource: Resource, action: WebhookAction): string => {
  const family = RESOURCE_INFO[resource].webhookFamily;
  if (!family) throw new Error(`Upgates has no webhooks for ${resource}`);
  return `${family}.${action}`;
};

// ---- What the shop workflow syncs into the mirror (issue 15.2) ---------------------------------------------
// The one table the sync derives from: webhook parsing (payload-schemas.ts), the pending set's resource type,
// record identity and versions (record-mapping.ts), how a resource is read (sync-records.ts) and what a version
// change may sync (version-change.ts).

export const SYNC_RESOURCES = [
  'orders',
  'orderStatuses',
  'products',
  'productVariants',
  'categories',
  'customers',
  'languages',
  'shipments',
  'payments',
] as const;
export type SyncResource = (typeof SYNC_RESOURCES)[number];

export interface SyncInfo {
  /**
   * Stored in the mirror under its own name. Variants are not: they live inside their product, and a variant
   * named by a webhook makes us fetch its product again.
   */
  mirrored: boolean;
  /** Field that identifies a record as the API returns it (webhook items may name it differently). */
  recordIdField?: string;
  /** Fields that carry the version time, first present wins. Code lists have none. */
  timeFields: readonly string[];
  /** Read page by page at the initial sync (the others are small code lists read whole). */
  paginated: boolean;
  /** The list endpoint filters by `last_update_time_from` (incremental catch-up). */
  incremental: boolean;
  /** Fetched by id lists when webhooks name changed records (RESOURCE_INFO's `idsQuery`). */
  fetchById: boolean;
  /**
   * Its webhooks: the resource whose family sends them (`Products.update` carries variants too), the key of its
   * list in a webhook body, and the id field of its items.
   */
  webhook: { of: Resource; listKey: string; idField: string };
}

const VERSIONED = ['last_update_time', 'creation_time'] as const;

export const SYNC_INFO: Record<SyncResource, SyncInfo> = {
  orders: {
    mirrored: true,
    recordIdField: 'order_number',
    timeFields: VERSIONED,
    paginated: true,
    incremental: true,
    fetchById: true,
    webhook: { of: 'orders', listKey: 'orders', idField: 'order_number' },
  },
  // The API lists statuses with `id`; webhooks name them `order_status_id` (upgates-reference, webhooks).
  orderStatuses: {
    mirrored: true,
    recordIdField: 'id',
    timeFields: VERSIONED,
    paginated: false,
    incremental: false,
    fetchById: false,
    webhook: { of: 'orderStatuses', listKey: 'statuses', idField: 'order_status_id' },
  },
  products: {
    mirrored: true,
    recordIdField: 'product_id',
    timeFields: VERSIONED,
    paginated: true,
    incremental: true,
    fetchById: true,
    webhook: { of: 'products', listKey: 'products', idField: 'product_id' },
  },
  productVariants: {
    mirrored: false,
    timeFields: [],
    paginated: false,
    incremental: false,
    fetchById: false,
    webhook: { of: 'products', listKey: 'variants', idField: 'variant_id' },
  },
  categories: {
    mirrored: true,
    recordIdField: 'category_id',
    timeFields: VERSIONED,
    paginated: true,
    incremental: true,
    fetchById: true,
    webhook: { of: 'categories', listKey: 'categories', idField: 'category_id' },
  },
  customers: {
    mirrored: true,
    recordIdField: 'customer_id',
    timeFields: VERSIONED,
    paginated: true,
    incremental: true,
    fetchById: true,
    webhook: { of: 'customers', listKey: 'customers', idField: 'customer_id' },
  },
  languages: {
    mirrored: true,
    recordIdField: 'language_id',
    timeFields: [],
    paginated: false,
    incremental: false,
    fetchById: false,
    webhook: { of: 'languages', listKey: 'languages', idField: 'language_id' },
  },
  shipments: {
    mirrored: true,
    recordIdField: 'id',
    timeFields: [],
    paginated: false,
    incremental: false,
    fetchById: true,
    webhook: { of: 'shipments', listKey: 'shipments', idField: 'id' },
  },
  payments: {
    mirrored: true,
    recordIdField: 'id',
    timeFields: [],
    paginated: false,
    incremental: false,
    fetchById: true,
    webhook: { of: 'payments', listKey: 'payments', idField: 'id' },
  },
};

export type MirroredResource = Exclude<SyncResource, 'productVariants'>;
export const isMirrored = (resource: string): resource is MirroredResource =>
  (SYNC_RESOURCES as readonly string[]).includes(resource) && SYNC_INFO[resource as SyncResource].mirrored;
export const MIRRORED_RESOURCES: readonly MirroredResource[] = SYNC_RESOURCES.filter(isMirrored);
/** Webhook families whose events we understand (`Orders`, `OrderStatuses`, ...). */
export const syncWebhookFamily = (resource: SyncResource): string => RESOURCE_INFO[SYNC_INFO[resource].webhook.of].webhookFamily!;
export const SYNC_WEBHOOK_FAMILIES: readonly string[] = [...new Set(SYNC_RESOURCES.map(syncWebhookFamily))];
