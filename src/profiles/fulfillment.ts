// Fulfillment: expedition plus the catalogue and stock. The warehouse is the stock master.
import {
  carrierPairingSetting,
  events,
  languagesAccess,
  notifyCustomerSetting,
  orderStatusBackSync,
  orderStatusesAccess,
  ordersGetAccess,
  ordersPutAccess,
  ownerAccess,
  paymentsAccess,
  shipmentsAccess,
  webhookAccesses,
} from './common.js';
import type { ApiAccessDeclaration, BackSyncAction, ProfileVersion } from './types.js';

const LOOKBACK_DAYS = 30;

const productsGet: ApiAccessDeclaration = {
  access: 'products:GET',
  purpose: 'Keep product and variant codes, EANs, weights and stock in step for picking and stock sync.',
  frequency: 'on webhook, debounced and batched up to 50 product ids per call (the page size)',
  expectedCallsPerDay: 300,
  repetition: 'continuous; at install one call per 50 products',
};

const productsPut: ApiAccessDeclaration = {
  access: 'products:PUT',
  purpose: 'Write the warehouse stock of products and variants to the shop.',
  frequency: 'when warehouse stock changes, batched up to 100 products per call',
  expectedCallsPerDay: 200,
  repetition: 'continuous',
};

const parametersGet: ApiAccessDeclaration = {
  access: 'parameters:GET',
  purpose: 'Cache parameter names and values (size, colour) shown on pick lists.',
  frequency: 'once at install, then once a day, 100 per page',
  expectedCallsPerDay: 2,
  repetition: 'daily',
};

/**
 * The stock rule, as data. Upgates itself deducts stock when an order is placed. If we also sent
 * `stock_increment: -n` for that order, the item would be deducted twice. So we only ever send the
 * absolute `stock`, computed as warehouse quantity minus what is reserved for orders the warehouse has
 * not yet received (those are already deducted in Upgates but not yet in the warehouse).
 */
const stockBackSync: BackSyncAction = {
  id: 'stock',
  description: 'Set the absolute stock of products and variants from the warehouse.',
  access: 'products:PUT',
  trigger: 'the warehouse reports a stock change (receipt, inventory, dispatch)',
  maxBatch: 100,
  fields: ['products[].code', 'products[].stock', 'products[].variants[].code', 'products[].variants[].stock'],
  forbiddenFields: ['products[].stock_increment', 'products[].variants[].stock_increment', 'variants[].stock_increment'],
  rules: [
    'stock = warehouse quantity - quantity reserved for orders not yet received by the warehouse',
    'never stock_increment: Upgates already deducted ordered quantities, a relative write would deduct them twice',
    'products are paired by code; products without a code are skipped (Upgates cannot update them)',
  ],
};

const stockSetting = {
  key: 'stockSyncEnabled',
  label: 'Sync stock from the warehouse',
  description: 'Turn off while the shop is still managed by hand during onboarding.',
  type: 'boolean',
  default: true,
} as const;

const v1Events = [...events('orders'), ...events('orderStatuses'), ...events('products')];

const v1: ProfileVersion = {
  profile: 'fulfillment',
  version: 1,
  releaseNotes: 'First version: orders, catalogue and stock with the fulfilment warehouse.',
  accesses: [
    ownerAccess,
    languagesAccess(),
    ordersGetAccess(LOOKBACK_DAYS),
    ordersPutAccess,
    orderStatusesAccess,
    shipmentsAccess,
    paymentsAccess,
    productsGet,
    productsPut,
    parametersGet,
    ...webhookAccesses(v1Events.length),
  ],
  webhookEvents: v1Events,
  initialSync: [{ resource: 'orders', lookbackDays: LOOKBACK_DAYS }, { resource: 'products' }],
  codeLists: ['owner', 'languages', 'orderStatuses', 'shipments', 'payments', 'parameters'],
  backSync: [orderStatusBackSync, stockBackSync],
  settings: [carrierPairingSetting, notifyCustomerSetting, stockSetting],
};

// v2: categories drive warehouse slotting (pick-path order), so they are synced and followed by webhook.
// OrderStatuses.create is dropped for the same reason as in expedition v2.
const v2Events = [...events('orders'), ...events('orderStatuses', ['update', 'delete']), ...events('products'), ...events('categories')];

const categoriesGet: ApiAccessDeclaration = {
  access: 'categories:GET',
  purpose: 'Group picking by the main category of each product.',
  frequency: 'once at install (100 per page), then on Categories webhooks batched up to 100 ids',
  expectedCallsPerDay: 10,
  repetition: 'continuous',
};

const v2: ProfileVersion = {
  ...v1,
  version: 2,
  releaseNotes: 'Pick lists grouped by category.',
  accesses: [...v1.accesses.filter((a) => !a.access.startsWith('webhooks:')), categoriesGet, ...webhookAccesses(v2Events.length)],
  webhookEvents: v2Events,
  initialSync: [...v1.initialSync, { resource: 'categories' }],
};

export const fulfillment: ProfileVersion[] = [v1, v2];
