// One document per shop and UTC day counting Upgates API calls, so operators (and the usage guard) see each
// shop's use against the Marketplace declaration and the 60,000/day monitor.
// Access keys use `_` instead of `:` and never `.`, because a dot in a field name would split the path
// (`orders_GET`, `orderStatuses_PUT`). Written only with `updateOne(..., {$inc}, {upsert: true})` by `_id`, which
// FerretDB 1.24 supports; no transactions, change streams or aggregation.
import { Schema, type Connection, type Model } from 'mongoose';

export interface ApiUsageDoc {
  /** `<shopToken>:<day>` (usage-ledger.ts usageId), so the per-call write filters by `_id` alone; documents
   * written before that key have an ObjectId. */
  _id: string;
  shopToken: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Calls per access key (`orders_GET`). */
  counts: Map<string, number>;
  total: number;
  updatedAt: Date;
}

export const apiUsageSchema = new Schema<ApiUsageDoc>(
  {
    _id: { type: String },
    shopToken: { type: String, required: true },
    day: { type: String, required: true },
    counts: { type: Map, of: Number, default: () => new Map() },
    total: { type: Number, default: 0 },
    updatedAt: { type: Date },
  },
  { collection: 'api_usage', versionKey: false },
);
apiUsageSchema.index({ shopToken: 1, day: 1 }, { unique: true });
apiUsageSchema.index({ day: 1 });

export const API_USAGE_MODEL = 'ApiUsage';

/** The model on a given connection (tests and the app each bring their own connection). */
export function apiUsageModel(connection: Connection): Model<ApiUsageDoc> {
  return (
    (connection.models[API_USAGE_MODEL] as Model<ApiUsageDoc> | undefined) ?? connection.model<ApiUsageDoc>(API_USAGE_MODEL, apiUsageSchema)
  );
}
