// The shop workflow's buffer of changed record ids, as plain JSON (it crosses continue-as-new).
// Upserts and deletes are kept apart: an upsert id is fetched from Upgates, a delete becomes a tombstone.

// The resources themselves are the sync table's (src/upgates/resources.ts, SYNC_INFO); a type only, erased.
import type { SyncResource } from '../../src/upgates/resources.js';
import { chunk } from './chunk.js';
export { chunk };
export type { SyncResource };

export interface PendingSet {
  /** resource -> id -> first time we saw it pending (workflow ms). */
  upserts: Partial<Record<SyncResource, Record<string, number>>>;
  /** resource -> id -> deletion time as Upgates sent it (ISO string or ''). */
  deletes: Partial<Record<SyncResource, Record<string, string>>>;
}

export interface WebhookBatch {
  resource: SyncResource;
  action: 'create' | 'update' | 'delete';
  items: Array<{ id: string; time?: string | null }>;
}

export const emptyPendingSet = (): PendingSet => ({ upserts: {}, deletes: {} });

export function addToPending(set: PendingSet, batch: WebhookBatch, nowMs: number): number {
  let added = 0;
  for (const item of batch.items) {
    if (batch.action === 'delete') {
      const deletes = (set.deletes[batch.resource] ??= {});
      deletes[item.id] = item.time ?? '';
      // A delete supersedes an earlier pending upsert of the same id in this window.
      delete set.upserts[batch.resource]?.[item.id];
    } else {
      const upserts = (set.upserts[batch.resource] ??= {});
      if (upserts[item.id] === undefined) upserts[item.id] = nowMs;
      // A (re)create after a delete in the same window: fetch it; the guarded upsert decides what is newest.
      delete set.deletes[batch.resource]?.[item.id];
    }
    added++;
  }
  return added;
}

export function pendingCount(set: PendingSet): number {
  let n = 0;
  for (const ids of Object.values(set.upserts)) n += Object.keys(ids ?? {}).length;
  for (const ids of Object.values(set.deletes)) n += Object.keys(ids ?? {}).length;
  return n;
}

export function oldestPendingMs(set: PendingSet): number | undefined {
  let oldest: number | undefined;
  for (const ids of Object.values(set.upserts))
    for (const t of Object.values(ids ?? {})) if (oldest === undefined || t < oldest) oldest = t;
  return oldest;
}

export function countsByResource(set: PendingSet): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [resource, ids] of Object.entries(set.upserts)) counts[resource] = (counts[resource] ?? 0) + Object.keys(ids ?? {}).length;
  for (const [resource, ids] of Object.entries(set.deletes)) counts[resource] = (counts[resource] ?? 0) + Object.keys(ids ?? {}).length;
  return counts;
}

/**
 * The set as webhook-shaped batches of at most `maxIds` ids each (upserts as 'update', deletes with their time),
 * for spilling to MongoDB; addToPending of every batch rebuilds the same ids.
 */
export function splitPending(set: PendingSet, maxIds: number): WebhookBatch[] {
  const out: WebhookBatch[] = [];
  for (const [resource, ids] of Object.entries(set.upserts) as Array<[SyncResource, Record<string, number>]>)
    for (const part of chunk(Object.keys(ids), maxIds)) out.push({ resource, action: 'update', items: part.map((id) => ({ id })) });
  for (const [resource, deletes] of Object.entries(set.deletes) as Array<[SyncResource, Record<string, string>]>)
    for (const part of chunk(Object.entries(deletes), maxIds))
      out.push({ resource, action: 'delete', items: part.map(([id, time]) => ({ id, time })) });
  return out;
}
