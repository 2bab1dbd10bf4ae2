// Emailing: customers and their newsletter consent both ways, the catalogue for product e-mails,
// tracking conversion codes, and discount coupons for campaigns.
import { events, languagesAccess, ownerAccess, webhookAccesses } from './common.js';
import type { ApiAccessDeclaration, BackSyncAction, ConversionCodeDeclaration, ProfileVersion } from './types.js';

// Our tracker script. The URL is the vendor's public CDN; the shop is recognised by its domain.
const TRACKER = '<script async src="https://cdn.emailing-addon.example/t.js"></script>';
const PURCHASE_TRACKER = '<script async src="https://cdn.emailing-addon.example/purchase.js"></script>';

const accesses = (eventCount: number): ApiAccessDeclaration[] => [
  ownerAccess,
  languagesAccess(' A Languages.create webhook fetches the new language.'),
  {
    access: 'customers:GET',
    purpose: 'Keep contacts and their newsletter consent (newsletter_accept) in the mailing list.',
    frequency: 'on webhook, debounced and batched up to 100 customer ids per call',
    expectedCallsPerDay: 200,
    repetition: 'continuous; at install one call per 100 customers',
  },
  {
    access: 'customers:PUT',
    purpose: 'Write back consent changes made in our e-mails (unsubscribe link) as newsletter_accept.',
    frequency: 'when a recipient changes consent, batched up to 100 customers per call',
    expectedCallsPerDay: 50,
    repetition: 'continuous',
  },
  {
    access: 'customers:POST',
    purpose: 'Create contacts for subscribers who signed up through our forms, with their consent.',
    frequency: 'when someone subscribes through our form, batched up to 100 per call',
    expectedCallsPerDay: 50,
    repetition: 'continuous',
  },
  {
    access: 'categories:GET',
    purpose: 'Segment recipients and build product e-mails by category.',
    frequency: 'once at install (100 per page), then on Categories webhooks batched up to 100 ids',
    expectedCallsPerDay: 10,
    repetition: 'continuous',
  },
  {
    access: 'products:GET',
    purpose: 'Product titles, images, prices and URLs for product recommendations in e-mails.',
    frequency: 'on webhook, debounced and batched up to 50 product ids per call',
    expectedCallsPerDay: 300,
    repetition: 'continuous; at install one call per 50 products',
  },
  {
    access: 'conversionCodes:POST',
    purpose: 'Insert our tracking script (page views, purchases) into the shop.',
    frequency: 'once at install and for codes added by a version change',
    expectedCallsPerDay: 1,
    repetition: 'once at install and on version change',
  },
  {
    access: 'conversionCodes:PUT',
    purpose: 'Update our tracking script when a new add-on version changes it.',
    frequency: 'only on version change',
    expectedCallsPerDay: 1,
    repetition: 'on version change',
  },
  {
    access: 'conversionCodes:DELETE',
    purpose: 'Remove a tracking script a newer add-on version no longer uses.',
    frequency: 'only on version change',
    expectedCallsPerDay: 1,
    repetition: 'on version change',
  },
  {
    access: 'vouchers:POST',
    purpose: 'Generate the discount coupons of a campaign (one call creates the whole batch).',
    frequency: 'when the merchant starts a campaign with coupons',
    expectedCallsPerDay: 10,
    repetition: 'on merchant action',
  },
  {
    access: 'vouchers:DELETE',
    purpose: 'Remove unused coupons of a cancelled campaign.',
    frequency: 'when the merchant cancels a campaign, up to 100 codes per call',
    expectedCallsPerDay: 10,
    repetition: 'on merchant action',
  },
  ...webhookAccesses(eventCount),
];

const backSync: BackSyncAction[] = [
  {
    id: 'customer-consent',
    description: 'Write newsletter consent changes back to the shop.',
    access: 'customers:PUT',
    trigger: 'a recipient unsubscribes or re-subscribes in our e-mails',
    maxBatch: 100,
    fields: ['customers[].login.email', 'customers[].newsletter_accept'],
    rules: ['paired by login.email (the top-level email attribute was removed from PUT in 2025)', 'only newsletter_accept is written'],
  },
  {
    id: 'customer-create',
    description: 'Create a contact for a new subscriber.',
    access: 'customers:POST',
    trigger: 'someone subscribes through our form',
    maxBatch: 100,
    fields: ['customers[].type', 'customers[].language', 'customers[].login.email', 'customers[].newsletter_accept'],
    rules: ['type is always "contact" (unregistered): we never create a login or send a password'],
  },
  {
    id: 'campaign-vouchers',
    description: 'Generate coupons for a campaign.',
    access: 'vouchers:POST',
    trigger: 'the merchant starts a campaign with coupons',
    maxBatch: 1,
    fields: ['count', 'type', 'currency_id', 'amount', 'date_from', 'date_to', 'note'],
    rules: ['one call per campaign and currency; count carries the batch size'],
  },
  {
    id: 'campaign-vouchers-delete',
    description: 'Delete unused coupons of a cancelled campaign.',
    access: 'vouchers:DELETE',
    trigger: 'the merchant cancels a campaign',
    maxBatch: 100,
    fields: ['voucher_codes'],
  },
];

const settings: ProfileVersion['settings'] = [
  {
    key: 'importOnlyConsenting',
    label: 'Import only customers with newsletter consent',
    description: 'Customers whose newsletter_accept is not "yes" are kept out of the mailing list.',
    type: 'boolean',
    default: true,
  },
  {
    key: 'voucherValidityDays',
    label: 'Coupon validity (days)',
    description: 'date_to of generated coupons, counted from the campaign start.',
    type: 'number',
    default: 30,
    min: 1,
    max: 365,
  },
];

const v1Events = [...events('customers'), ...events('categories'), ...events('products'), ...events('languages', ['create'])];
const v1Codes: ConversionCodeDeclaration[] = [{ position: 'body_bottom', code: TRACKER }];

const v1: ProfileVersion = {
  profile: 'emailing',
  version: 1,
  releaseNotes: 'First version: contacts with consent, catalogue, tracking, campaign coupons.',
  accesses: accesses(v1Events.length),
  webhookEvents: v1Events,
  initialSync: [{ resource: 'customers' }, { resource: 'categories' }, { resource: 'products' }],
  codeLists: ['owner', 'languages'],
  backSync,
  conversionCodes: v1Codes,
  settings,
};

// v2: purchase tracking on the order-finished page (a new conversion code), and the page-view tracker
// moves to <head> so it runs before the visitor leaves. Categories.create is dropped: an empty new
// category is irrelevant to e-mails until products are placed in it, which fires Products.update.
// Languages.update is added because a mutation's currency change alters the prices we put in e-mails.
const v2Events = [
  ...events('customers'),
  ...events('categories', ['update', 'delete']),
  ...events('products'),
  ...events('languages', ['create', 'update']),
];

const v2: ProfileVersion = {
  ...v1,
  version: 2,
  releaseNotes: 'Purchase tracking for campaign revenue; faster page-view tracking.',
  accesses: accesses(v2Events.length),
  webhookEvents: v2Events,
  conversionCodes: [
    { position: 'head', code: TRACKER },
    { position: 'order_body_bottom', code: PURCHASE_TRACKER },
  ],
};

export const emailing: ProfileVersion[] = [v1, v2];
