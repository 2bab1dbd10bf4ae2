// The vendor REST API (`/api/vendor/...`): the vendor's own system (warehouse, carrier, e-mailing) writes
// back into Upgates. Bearer token (VENDOR_API_TOKEN or a scoped token from MongoDB), zod-validated bodies (400, nothing changed), one
// route per file. Every write goes through the shop workflow's `backSync` update (back-sync-gateway.ts). Two
// reads go the other way: the change feed and one record of the mirror (get-changes.ts, get-record.ts).
//
// Answers: 200 per-item results (`updated_yn`/`inserted_yn`/`deleted_yn`, `messages`; `ok` false when any
// item failed) | 202 still running, poll `GET .../back-sync/:updateId` | 400 invalid | 401 bad token |
// 403 token not scoped to this shop | 422 Idempotency-Key reused with another body |
// 404 unknown or uninstalled shop | 409 action not in the shop's profile, shop not live, or refused by a
// setting | 413 more than the action's batch (100 items; 1 voucher batch) — we refuse rather than split, so
// a request is applied by one Upgates call or not at all | 503 Temporal unreachable (retry with the same
// `Idempotency-Key` header: its result is kept in MongoDB, so a retry never writes twice, even after a
// continue-as-new of the shop workflow or a restart).
import express, { type Express } from 'express';
import type { AppDeps } from '../deps.js';
import { vendorAuth, vendorShopScope } from './auth.js';
import { deleteCampaignVouchers } from './delete-campaign-vouchers.js';
import { getBackSyncResult } from './get-back-sync-result.js';
import { getChanges } from './get-changes.js';
import { getRecord } from './get-record.js';
import { postCampaignVouchers } from './post-campaign-vouchers.js';
import { postSubscribers } from './post-subscribers.js';
import { putOrder } from './put-order.js';
import { putOrders } from './put-orders.js';
import { putService } from './put-service.js';
import { putStock } from './put-stock.js';
import { putSubscriber } from './put-subscriber.js';

export function mountVendorRoutes(app: Express, deps: AppDeps): void {
  const router = express.Router();
  router.use(vendorAuth(deps));
  router.param('token', vendorShopScope);
  router.use(express.json({ limit: '1mb' }));
  router.put('/shops/:token/orders', putOrders(deps));
  router.put('/shops/:token/orders/:orderNumber', putOrder(deps));
  router.put('/shops/:token/stock', putStock(deps));
  router.post('/shops/:token/subscribers', postSubscribers(deps));
  router.put('/shops/:token/subscribers/:email', putSubscriber(deps));
  router.post('/shops/:token/campaigns/:id/vouchers', postCampaignVouchers(deps));
  router.delete('/shops/:token/campaigns/:id/vouchers', deleteCampaignVouchers(deps));
  router.get('/shops/:token/back-sync/:updateId', getBackSyncResult(deps));
  router.put('/shops/:token/service', putService(deps));
  // The forward half (issue 17.2): what changed in the mirror, read by the vendor's system.
  router.get('/shops/:token/changes', getChanges(deps));
  router.get('/shops/:token/records/:resource/:id', getRecord(deps));
  router.use((_req, res) => {
    res.status(404).json({ error: true, message: 'No such vendor API route' });
  });
  app.use('/api/vendor', router);
}
