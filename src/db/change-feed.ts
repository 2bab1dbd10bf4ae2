// Reading the mirror by change sequence (issue 17.2): the records a shop changed after a cursor, in sequence
// order, each in its current state, deletions included. Only up to the committed watermark
// (change-sequence.ts): a batch still writing holds the feed back, and nothing at or below it can land later,
// so a reader that follows `next` from the start never skips a change. A record changed several times since
// the cursor appears once, at its last change (its final state); a record changed again after it was read
// appears again. Records written before the sequence existed count as sequence 0 (read by a feed from the start).
//
// The cursor is (sequence, resource, record id) of the last record read, or (sequence) alone when everything
// up to that sequence was read. Two stored versions of one record can meet at one position (FerretDB write
// path's crash leftovers marked deleted together): position order plus the cursor reads them once.
import { z } from 'zod';
import type { Models } from './models/index.js';
import { createChangeSequence } from './change-sequence.js';

export interface FeedPosition {
  s: number;
  r?: string;
  i?: string;
}

export interface FeedChange {
  resource: string;
  id: string;
  change: 'created' | 'updated' | 'deleted';
  last_update_time: string | null;
  data: unknown;
}

export interface FeedPage {
  changes: FeedChange[];
  /** Each change's own position (same index as `changes`): a cursor that continues right after it. */
  positions: FeedPosition[];
  next: FeedPosition;
  hasMore: boolean;
}

interface FeedDoc {
  resource: string;
  recordId: string;
  seq?: number | null;
  firstSeq?: number | null;
  deleted: boolean;
  lastUpdateTime?: Date | null;
  data?: unknown;
}

export async function readChanges(
  models: Pick<Models, 'RecordChangeClaim' | 'SyncedRecord'>,
  shopToken: string,
  query: { resources: string[]; after: FeedPosition; limit: number; now?: Date },
): Promise<FeedPage> {
  const { SyncedRecord } = models;
  const { resources, after, limit } = query;
  // The watermark first: what it admits has landed, so the read below cannot miss part of it.
  const watermark = await createChangeSequence(models).watermark(shopToken, query.now);
  if (after.s > watermark && after.r === undefined) return { changes: [], positions: [], next: after, hasMore: false };
  // Sequence 0 stands for records written before the sequence existed (no `seq` field).
  const atSeq = (s: number) => (s === 0 ? { seq: { $in: [null, 0] } } : { seq: s });
  const range: Array<Record<string, unknown>> = [{ seq: { $gt: after.s, $lte: watermark } }];
  if (after.r !== undefined) {
    range.push({ ...atSeq(after.s), resource: { $gt: after.r } });
    range.push({ ...atSeq(after.s), resource: after.r, recordId: { $gt: after.i ?? '' } });
  } else if (after.s === 0) range.push(atSeq(0));
  const docs = await SyncedRecord.find(
    { shopToken, resource: { $in: resources }, $or: range },
    { _id: 0, resource: 1, recordId: 1, seq: 1, firstSeq: 1, deleted: 1, lastUpdateTime: 1, data: 1 },
  )
    .sort({ seq: 1, resource: 1, recordId: 1, _id: 1 })
    .limit(limit + 1)
    .lean<FeedDoc[]>();

  const changes: FeedChange[] = [];
  const positions: FeedPosition[] = [];
  let next: FeedPosition = { s: watermark };
  let last: FeedDoc | undefined;
  let read = 0;
  for (const doc of docs) {
    if (read === limit) break;
    read++;
    const seq = doc.seq ?? 0;
    if (last && (last.seq ?? 0) === seq && last.resource === doc.resource && last.recordId === doc.recordId) continue;
    last = doc;
    changes.push({
      resource: doc.resource,
      id: doc.recordId,
      change: doc.deleted ? 'deleted' : createdAfter(doc, after) ? 'created' : 'updated',
      last_update_time: doc.lastUpdateTime ? new Date(doc.lastUpdateTime).toISOString() : null,
      data: doc.deleted ? null : (doc.data ?? null),
    });
    next = { s: seq, r: doc.resource, i: doc.recordId };
    positions.push(next);
  }
  const hasMore = docs.length > limit;
  // Everything up to the watermark was read: the next read starts after it.
  if (!hasMore) next = { s: Math.max(watermark, after.s) };
  return { changes, positions, next, hasMore };
}

/**
 * Created: the record was (re)created after the cursor, i.e. in a later batch, or in the cursor's own batch
 * at a position the reader had not reached. A record created and changed again before a read passed its
 * creation arrives as `updated`: readers treat both as an upsert.
 */
function createdAfter(doc: FeedDoc, after: FeedPosition): boolean {
  const first = doc.firstSeq ?? 0;
  if (after.s === 0 && after.r === undefined) return true;
  if (first !== after.s) return first > after.s;
  if (after.r === undefined) return false;
  return doc.resource > after.r || (doc.resource === after.r && doc.recordId > (after.i ?? ''));
}

/** One record's current state (its newest stored version), or null when we never held it. */
export async function readRecord(
  models: Pick<Models, 'SyncedRecord'>,
  shopToken: string,
  resource: string,
  recordId: string,
): Promise<{ resource: string; id: string; deleted: boolean; last_update_time: string | null; data: unknown } | null> {
  const [doc] = await models.SyncedRecord.find({ shopToken, resource, recordId }, { _id: 1, deleted: 1, lastUpdateTime: 1, data: 1 })
    .sort({ _id: -1 })
    .limit(1)
    .lean();
  if (!doc) return null;
  return {
    resource,
    id: recordId,
    deleted: doc.deleted,
    last_update_time: doc.lastUpdateTime ? new Date(doc.lastUpdateTime).toISOString() : null,
    data: doc.deleted ? null : (doc.data ?? null),
  };
}

// The opaque cursor: base64url of the position and the resource set it belongs to (a cursor read for
// `orders` says nothing about `products`, so using it with another set is refused).
const cursorSchema = z.object({
  v: z.literal(1),
  s: z.number().int().min(0),
  r: z.string().optional(),
  i: z.string().optional(),
  f: z.string(),
});

export function encodeCursor(position: FeedPosition, resources: string[]): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position, f: resourceSet(resources) }), 'utf8').toString('base64url');
}

/** The position, or an error message naming what is wrong with the cursor. */
export function decodeCursor(cursor: string, resources: string[]): FeedPosition | string {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return 'cursor: not a cursor from this API (use next_cursor as given)';
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success || (parsed.data.r === undefined) !== (parsed.data.i === undefined))
    return 'cursor: not a cursor from this API (use next_cursor as given)';
  if (parsed.data.f !== resourceSet(resources))
    return `cursor: it was read for resources=${parsed.data.f}; use the same resources or start without a cursor`;
  const { s, r, i } = parsed.data;
  return r === undefined ? { s } : { s, r, i };
}

const resourceSet = (resources: string[]) => [...new Set(resources)].sort().join(',');

/** The feed's reads for one model set: what the vendor API's GET routes and the vendor events activity use. */
export function createChangeFeed(models: Pick<Models, 'RecordChangeClaim' | 'SyncedRecord'>) {
  return {
    /** The shop's committed watermark (change-sequence.ts); a reader's position above it means the shop was erased. */
    watermark: (shopToken: string, now?: Date) => createChangeSequence(models).watermark(shopToken, now),
    read: (shopToken: string, query: Parameters<typeof readChanges>[2]) => readChanges(models, shopToken, query),
    readRecord: (shopToken: string, resource: string, recordId: string) => readRecord(models, shopToken, resource, recordId),
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
