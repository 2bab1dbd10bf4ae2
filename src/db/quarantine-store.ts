// Quarantined ("poison") records (issue 16.1): ids whose fetch or mapping fails for that record alone (a record
// Upgates sends in a shape our schema refuses). The flush isolates them by bisection and goes on with the rest;
// they wait here, shown in the iframe and in `upgates_quarantined_records`, and are retried at the daily
// reconciliation and on "sync now". A later successful fetch of the id (retry or webhook) removes the entry.
// `error` names the failure (resource, field path, rule), never record values: those may be personal data.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { perConnection } from './per-connection.js';

const quarantinedRecordSchema = new Schema(
  {
    shopToken: { type: String, required: true },
    resource: { type: String, required: true },
    recordId: { type: String, required: true },
    error: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    attempts: { type: Number, required: true },
  },
  { versionKey: false },
);
quarantinedRecordSchema.index({ shopToken: 1, resource: 1, recordId: 1 }, { unique: true });

export type QuarantinedRecordDoc = InferSchemaType<typeof quarantinedRecordSchema>;
type QuarantinedRecordModel = Model<QuarantinedRecordDoc>;
const registerModel = (connection: Connection): QuarantinedRecordModel =>
  (connection.models.QuarantinedRecord as QuarantinedRecordModel | undefined) ??
  connection.model<QuarantinedRecordDoc>('QuarantinedRecord', quarantinedRecordSchema, 'quarantined_records');

export interface QuarantineEntry {
  resource: string;
  recordId: string;
  error: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  attempts: number;
}

export interface QuarantineStore {
  /** Records (or re-records) failed ids: attempts + 1, lastSeenAt now, firstSeenAt kept. */
  add(shopToken: string, resource: string, failures: Array<{ recordId: string; error: string }>, now?: Date): Promise<void>;
  /** Removes ids that were fetched and stored after all. */
  release(shopToken: string, resource: string, recordIds: string[]): Promise<number>;
  /** The shop's entries, least recently tried first. */
  list(shopToken: string, limit?: number): Promise<QuarantineEntry[]>;
  count(shopToken?: string): Promise<number>;
  /** Uninstall purge. */
  purge(shopToken: string): Promise<void>;
}

/** Longest error text kept: enough for the resource and a few field paths. */
const MAX_ERROR_LENGTH = 300;

/** Keeps an error text short and drops anything shaped like an e-mail address or a long number, defensively. */
export function safeErrorText(message: string): string {
  return message
    .replace(/[^\s@]+@[^\s@]+/g, '<e-mail>')
    .replace(/\+?\d[\d ]{8,}\d/g, '<number>')
    .slice(0, MAX_ERROR_LENGTH);
}

export const quarantineStore: (connection: Connection) => QuarantineStore = perConnection((connection) =>
  createStore(registerModel(connection)),
);

function createStore(model: QuarantinedRecordModel): QuarantineStore {
  return {
    async add(shopToken, resource, failures, now = new Date()) {
      // One write per id: a shop's flushes are serialised by its workflow, and there are few poison records.
      for (const { recordId, error } of failures)
        await model.updateOne(
          { shopToken, resource, recordId },
          { $set: { error: safeErrorText(error), lastSeenAt: now }, $setOnInsert: { firstSeenAt: now }, $inc: { attempts: 1 } },
          { upsert: true },
        );
    },
    async release(shopToken, resource, recordIds) {
      if (recordIds.length === 0) return 0;
      const result = await model.deleteMany({ shopToken, resource, recordId: { $in: recordIds } });
      return result.deletedCount ?? 0;
    },
    async list(shopToken, limit = 1000) {
      const docs = await model.find({ shopToken }).sort({ lastSeenAt: 1 }).limit(limit).lean();
      return docs.map((d) => ({
        resource: d.resource,
        recordId: d.recordId,
        error: d.error,
        firstSeenAt: d.firstSeenAt,
        lastSeenAt: d.lastSeenAt,
        attempts: d.attempts,
      }));
    },
    count(shopToken) {
      return model.countDocuments(shopToken === undefined ? {} : { shopToken });
    },
    async purge(shopToken) {
      await model.deleteMany({ shopToken });
    },
  };
}
