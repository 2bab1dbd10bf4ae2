// Declarations shared by several profiles. Each profile file composes these with its own parts, so a
// wording fix for, say, webhook management reaches every Marketplace form at once.
import { webhookEvent, type Resource, type WebhookAction } from '../upgates/resources.js';
import type { ApiAccessDeclaration, BackSyncAction, SettingDeclaration } from './types.js';

export const ALL_ACTIONS: WebhookAction[] = ['create', 'update', 'delete'];

/** `['Orders.create', 'Orders.update', ...]` for the given actions. */
export const events = (resource: Resource, actions: WebhookAction[] = ALL_ACTIONS): string[] =>
  actions.map((action) => webhookEvent(resource, action));

export const ownerAccess: ApiAccessDeclaration = {
  access: 'owner:GET',
  purpose: 'Pair the e-shop with its account on our side from the operator and billing data (no forms for the merchant).',
  frequency: 'once at install, then once a day with the code-list refresh',
  expectedCallsPerDay: 1,
  repetition: 'daily',
};

export const languagesAccess = (extraPurpose = ''): ApiAccessDeclaration => ({
  access: 'languages:GET',
  purpose: `Know the shop's language mutations and currencies to store texts and prices per language.${extraPurpose}`,
  frequency: 'once at install, then once a day (one call, not paginated)',
  expectedCallsPerDay: 2,
  repetition: 'daily',
});

/**
 * Webhook management: the daily health check and the install/version-change registration.
 * POST is declared at its install-day volume (one call per event) so the usage monitor never sees
 * more than declared, even on the day of installation.
 */
export const webhookAccesses = (eventCount: number): ApiAccessDeclaration[] => [
  {
    access: 'webhooks:GET',
    purpose: 'Check our webhooks before registering (never create duplicates) and in the daily health check.',
    frequency: 'once at install, once a day, once per version change',
    expectedCallsPerDay: 1,
    repetition: 'daily',
  },
  {
    access: 'webhooks:POST',
    purpose: 'Register the webhooks listed in this declaration.',
    frequency: 'one call per webhook event at install and for events added by a version change',
    expectedCallsPerDay: eventCount,
    repetition: 'once at install and on version change (one per event); otherwise only to repair a missing webhook',
  },
  {
    access: 'webhooks:PUT',
    purpose: 'Re-enable a webhook Upgates deactivated after failed deliveries.',
    frequency: 'only after a delivery outage, at most once per webhook per day',
    expectedCallsPerDay: 1,
    repetition: 'rare',
  },
  {
    access: 'webhooks:DELETE',
    purpose: 'Remove webhooks a newer add-on version no longer needs.',
    frequency: 'only on version change, one call for all removed events',
    expectedCallsPerDay: 1,
    repetition: 'on version change',
  },
];

export const ordersGetAccess = (lookbackDays: number): ApiAccessDeclaration => ({
  access: 'orders:GET',
  purpose: `Download new and changed orders; at install the orders of the last ${lookbackDays} days.`,
  frequency: 'on webhook, debounced 5-60 s and batched up to 100 order numbers per call; daily catch-up only when webhooks were silent',
  expectedCallsPerDay: 400,
  repetition: `continuous; at install one call per 100 orders of the last ${lookbackDays} days`,
});

export const orderStatusesAccess: ApiAccessDeclaration = {
  access: 'orderStatuses:GET',
  purpose: 'Cache the order status code list to map statuses by id.',
  frequency: 'once at install, once a day, and on OrderStatuses webhooks',
  expectedCallsPerDay: 5,
  repetition: 'daily and on webhook',
};

export const shipmentsAccess: ApiAccessDeclaration = {
  access: 'shipments:GET',
  purpose: 'Cache shipping methods so the merchant can pair each with a carrier.',
  frequency: 'once at install, then once a day (and on Shipments webhooks where registered)',
  expectedCallsPerDay: 3,
  repetition: 'daily',
};

export const paymentsAccess: ApiAccessDeclaration = {
  access: 'payments:GET',
  purpose: 'Cache payment methods to recognise cash on delivery for the carrier.',
  frequency: 'once at install, then once a day (and on Payments webhooks where registered)',
  expectedCallsPerDay: 3,
  repetition: 'daily',
};

export const ordersPutAccess: ApiAccessDeclaration = {
  access: 'orders:PUT',
  purpose: 'Write the status and the tracking code of dispatched orders back to the shop.',
  frequency: 'when the warehouse or carrier reports a change, batched up to 100 orders per call',
  expectedCallsPerDay: 150,
  repetition: 'continuous',
};

export const orderStatusBackSync: BackSyncAction = {
  id: 'order-status',
  description: 'Set the order status and the parcel tracking code.',
  access: 'orders:PUT',
  trigger: 'the warehouse or carrier reports a new state or a tracking number',
  maxBatch: 100,
  fields: ['orders[].order_number', 'orders[].status_id', 'orders[].tracking_code', 'send_emails_yn'],
  settingKeys: ['notifyCustomerOnStatusChange'],
  rules: [
    'send_emails_yn is always sent explicitly (Upgates defaults it to true) and comes from the notifyCustomerOnStatusChange setting',
    'status is written by status_id, never by name (names differ per language)',
  ],
};

export const carrierPairingSetting: SettingDeclaration = {
  key: 'carrierPairing',
  label: 'Carrier pairing',
  description: 'Which of our carriers handles each Upgates shipping method (shipment id -> carrier code).',
  type: 'mapping',
  from: 'shipments',
  to: 'carrier',
  default: {},
};

export const notifyCustomerSetting: SettingDeclaration = {
  key: 'notifyCustomerOnStatusChange',
  label: 'E-mail the customer on status change',
  description: 'Sent as send_emails_yn with every status update: Upgates then sends the e-mail configured on the status.',
  type: 'boolean',
  default: true,
};
