// Expedition: orders flow to the warehouse/carrier; status and tracking code flow back.
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
import type { ProfileVersion } from './types.js';

const LOOKBACK_DAYS = 90;

const v1Events = [...events('orders'), ...events('orderStatuses')];

const v1: ProfileVersion = {
  profile: 'expedition',
  version: 1,
  releaseNotes: 'First version: orders to the carrier, status and tracking code back.',
  accesses: [
    ownerAccess,
    languagesAccess(),
    ordersGetAccess(LOOKBACK_DAYS),
    ordersPutAccess,
    orderStatusesAccess,
    shipmentsAccess,
    paymentsAccess,
    ...webhookAccesses(v1Events.length),
  ],
  webhookEvents: v1Events,
  initialSync: [{ resource: 'orders', lookbackDays: LOOKBACK_DAYS }],
  codeLists: ['owner', 'languages', 'orderStatuses', 'shipments', 'payments'],
  backSync: [orderStatusBackSync],
  settings: [carrierPairingSetting, notifyCustomerSetting],
};

// v2: a new shipping method shows up in carrier pairing at once (Shipments webhooks) instead of the next
// daily refresh. OrderStatuses.create is dropped: a new status matters only once an order carries it,
// and an unknown status_id on an order already triggers a status code-list refresh.
const v2Events = [...events('orders'), ...events('orderStatuses', ['update', 'delete']), ...events('shipments')];

const v2: ProfileVersion = {
  ...v1,
  version: 2,
  releaseNotes: 'New shipping methods appear in carrier pairing immediately; optional SMS on status change.',
  accesses: [...v1.accesses.filter((a) => !a.access.startsWith('webhooks:')), ...webhookAccesses(v2Events.length)],
  webhookEvents: v2Events,
  backSync: [
    {
      ...orderStatusBackSync,
      fields: [...orderStatusBackSync.fields, 'send_sms_yn'],
      settingKeys: ['notifyCustomerOnStatusChange', 'smsCustomerOnStatusChange'],
    },
  ],
  settings: [
    ...v1.settings,
    {
      key: 'smsCustomerOnStatusChange',
      label: 'Text the customer on status change',
      description: 'Sent as send_sms_yn with every status update.',
      type: 'boolean',
      default: false,
    },
  ],
};

export const expedition: ProfileVersion[] = [v1, v2];
