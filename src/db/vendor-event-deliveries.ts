// Where each shop's event deliveries to the vendor's system stand (workflows/vendor-events.ts): the last
// acknowledged position of the change feed (a new run of the delivery workflow resumes from it), and while
// the endpoint fails, since when, the last error and the attempt. Read by the iframe and the metrics.
// One document per shop keyed by `shopToken`, so the shop erasure (shop-erasure.ts) sweeps it.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { FeedPosition } from './change-feed.js';
import { perConnection } from './per-connection.js';

const deliverySchema = new Schema(
  {
    shopToken: { type: String, required: true },
    acked: { type: Schema.Types.Mixed, default: null },
    delivered: { type: Number, default: 0 },
    lastDeliveredAt: { type: Date, default: null },
    failingSince: { type: Date, default: null },
    lastError: { type: String, default: null },
    attempts: { type: Number, default: 0 },
  },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);
deliverySchema.index({ shopToken: 1 }, { unique: true });

type DeliveryDoc = InferSchemaType<typeof deliverySchema>;
type DeliveryModel = Model<DeliveryDoc>;
const registerModel = (connection: Connection): DeliveryModel =>
  (connection.models.VendorEventDelivery as DeliveryModel | undefined) ??
  connection.model<DeliveryDoc>('VendorEventDelivery', deliverySchema, 'vendor_event_deliveries');

export interface VendorEventDeliveryStatus {
  acked: FeedPosition | null;
  delivered: number;
  lastDeliveredAt: Date | null;
  failingSince: Date | null;
  lastError: string | null;
  attempts: number;
}

export interface VendorEventDeliveries {
  status(shopToken: string): Promise<VendorEventDeliveryStatus | null>;
  /** A batch was acknowledged: the new position, and the failure (if any) is over. */
  noteDelivered(shopToken: string, acked: FeedPosition, events: number, at: Date): Promise<void>;
  /** The position moved without a delivery (nothing to send; or a reset after an erasure). */
  noteAcked(shopToken: string, acked: FeedPosition): Promise<void>;
  /** An attempt failed; `failingSince` keeps the first failure of the streak. */
  noteFailure(shopToken: string, error: string, attempt: number, at: Date): Promise<void>;
  /** Shops whose deliveries are failing now, and the oldest failure's start (metrics). */
  failing(): Promise<{ shops: number; oldest: Date | null }>;
}

export const vendorEventDeliveries: (connection: Connection) => VendorEventDeliveries = perConnection((connection) => {
  const model = registerModel(connection);
  return {
    async status(shopToken) {
      const doc = await model.findOne({ shopToken }).lean();
      if (!doc) return null;
      return {
        acked: (doc.acked as FeedPosition | null) ?? null,
        delivered: doc.delivered ?? 0,
        lastDeliveredAt: doc.lastDeliveredAt ?? null,
        failingSince: doc.failingSince ?? null,
        lastError: doc.lastError ?? null,
        attempts: doc.attempts ?? 0,
      };
    },
    async noteDelivered(shopToken, acked, events, at) {
      await model.updateOne(
        { shopToken },
        { $set: { acked, lastDeliveredAt: at, failingSince: null, lastError: null, attempts: 0 }, $inc: { delivered: events } },
        { upsert: true },
      );
    },
    async noteAcked(shopToken, acked) {
      await model.updateOne({ shopToken }, { $set: { acked } }, { upsert: true });
    },
    async noteFailure(shopToken, error, attempt, at) {
      const current = await model.findOne({ shopToken }, { failingSince: 1 }).lean();
      await model.updateOne(
        { shopToken },
        { $set: { failingSince: current?.failingSince ?? at, lastError: error.slice(0, 500), attempts: attempt } },
        { upsert: true },
      );
    },
    async failing() {
      const docs = await model.find({ failingSince: { $ne: null } }, { failingSince: 1 }).lean();
      const times = docs.map((d) => d.failingSince!.getTime());
      return { shops: docs.length, oldest: times.length ? new Date(Math.min(...times)) : null };
    },
  };
});
