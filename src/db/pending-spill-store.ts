// Spilled pending ids (issue 16.2): when the shop workflow continues-as-new with more pending ids than its
// threshold, it writes them here in numbered documents (≤ 1000 ids each) and carries only their count, so
// its input stays small whatever the traffic. The workflow drains the documents oldest first (lowest `seq`),
// one per step, before the ids it holds in memory (which are newer). `seq` comes from workflow state, so a
// retried write overwrites the same document instead of adding one.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { WebhookBatch } from '../../workflows/lib/pending-set.js';
import { perConnection } from './per-connection.js';

// Ids (and deletion times) as one JSON string each: FerretDB stores a string in one go, while an array of
// 5000 small objects took seconds per document on SQLite.
const pendingSpillSchema = new Schema(
  {
    shopToken: { type: String, required: true },
    seq: { type: Number, required: true },
    resource: { type: String, required: true },
    action: { type: String, required: true },
    ids: { type: String, required: true },
    times: { type: String, default: null },
    count: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pendingSpillSchema.index({ shopToken: 1, seq: 1 }, { unique: true });

type PendingSpillDoc = InferSchemaType<typeof pendingSpillSchema>;
type PendingSpillModel = Model<PendingSpillDoc>;
const registerModel = (connection: Connection): PendingSpillModel =>
  (connection.models.PendingSpill as PendingSpillModel | undefined) ??
  connection.model<PendingSpillDoc>('PendingSpill', pendingSpillSchema, 'pending_spills');

/** The batch a stored document holds. */
export function spilledBatchOf(doc: { resource: string; action: string; ids: string; times?: string | null }): WebhookBatch {
  const ids = JSON.parse(doc.ids) as string[];
  const times = doc.times ? (JSON.parse(doc.times) as string[]) : undefined;
  return {
    resource: doc.resource as WebhookBatch['resource'],
    action: doc.action as WebhookBatch['action'],
    items: ids.map((id, i) => (times ? { id, time: times[i] ?? '' } : { id })),
  };
}

export interface SpilledBatch {
  seq: number;
  batch: WebhookBatch;
}

export interface PendingSpillStore {
  write(shopToken: string, docs: SpilledBatch[]): Promise<void>;
  /** The oldest spilled batch of the shop, or null. */
  oldest(shopToken: string): Promise<SpilledBatch | null>;
  remove(shopToken: string, seq: number): Promise<void>;
  /** Documents and ids still spilled for the shop. */
  remaining(shopToken: string): Promise<{ docs: number; ids: number }>;
  purge(shopToken: string): Promise<void>;
}

export const pendingSpillStore: (connection: Connection) => PendingSpillStore = perConnection((connection) =>
  createStore(registerModel(connection)),
);

function createStore(model: PendingSpillModel): PendingSpillStore {
  return {
    async write(shopToken, docs) {
      const rows = docs.map(({ seq, batch }) => ({
        shopToken,
        seq,
        resource: batch.resource,
        action: batch.action,
        ids: JSON.stringify(batch.items.map((i) => i.id)),
        times: batch.action === 'delete' ? JSON.stringify(batch.items.map((i) => i.time ?? '')) : null,
        count: batch.items.length,
        createdAt: new Date(),
      }));
      try {
        await model.insertMany(rows, { ordered: false });
      } catch (error) {
        // A retried activity writes the same `seq` again: the first write stands.
        const errors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
        const duplicatesOnly =
          (error as { code?: number }).code === 11000 || (errors?.length && errors.every((e) => (e.code ?? e.err?.code) === 11000));
        if (!duplicatesOnly) throw error;
      }
    },
    async oldest(shopToken) {
      const doc = await model.findOne({ shopToken }).sort({ seq: 1 }).lean();
      return doc ? { seq: doc.seq, batch: spilledBatchOf(doc) } : null;
    },
    async remove(shopToken, seq) {
      await model.deleteOne({ shopToken, seq });
    },
    async remaining(shopToken) {
      const docs = await model.find({ shopToken }, { count: 1 }).lean();
      return { docs: docs.length, ids: docs.reduce((sum, d) => sum + d.count, 0) };
    },
    async purge(shopToken) {
      await model.deleteMany({ shopToken });
    },
  };
}
