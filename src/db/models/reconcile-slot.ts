// Claimed reconciliation slots (issue 18.4). `_id` is the slot's position in the spreading order
// (src/shops/reconcile-slot-order.ts), so two shops can never hold the same position; `shopToken` is unique
// too, so a shop holds at most one. Both are plain unique indexes, which FerretDB enforces as well. The two
// small side collections are hints that keep a claim cheap: the next never-used position, and positions
// freed by uninstalls (reused lowest first).
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const reconcileSlotSchema = new Schema(
  {
    _id: { type: Number, required: true },
    shopToken: { type: String, required: true, unique: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
const freedSlotSchema = new Schema({ _id: { type: Number, required: true } }, { versionKey: false });
const slotCounterSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { versionKey: false },
);

export type ReconcileSlotDoc = InferSchemaType<typeof reconcileSlotSchema>;
export type ReconcileSlotModel = Model<ReconcileSlotDoc>;

export function registerReconcileSlotModels(connection: Connection) {
  return {
    slots:
      (connection.models.ReconcileSlot as ReconcileSlotModel | undefined) ??
      connection.model<ReconcileSlotDoc>('ReconcileSlot', reconcileSlotSchema, 'reconcile_slots'),
    freed:
      (connection.models.ReconcileSlotFreed as Model<InferSchemaType<typeof freedSlotSchema>> | undefined) ??
      connection.model('ReconcileSlotFreed', freedSlotSchema, 'reconcile_slots_freed'),
    counter:
      (connection.models.ReconcileSlotCounter as Model<InferSchemaType<typeof slotCounterSchema>> | undefined) ??
      connection.model('ReconcileSlotCounter', slotCounterSchema, 'reconcile_slots_counter'),
  };
}
