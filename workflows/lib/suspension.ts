// Keeps the shop workflow's pending ids bounded while the vendor has the service suspended (no flush runs, so
// a busy shop would otherwise grow the workflow state without limit). Deterministic, plain JSON.
import type { ShopSyncState } from '../messages.js';
import { oldestPendingMs, pendingCount } from './pending-set.js';

/**
 * Default bound of webhook ids kept while suspended: about 120 KB of workflow state, and not above the count at
 * which a continue-as-new spills pending ids to MongoDB, so a suspended shop never fills MongoDB either.
 */
export const SUSPENDED_MAX_IDS = 5000;

/**
 * Over `maxIds`: drops the pending upserts (an incremental catch-up from `catchUpFrom`, which goes back to the
 * oldest dropped id, brings them back at the resume) and, only if deletes alone are still over the bound, the
 * deletes too (an incremental fetch cannot see deletions: those records stay in the mirror until deleted again).
 * Returns the number of ids dropped.
 */
export function boundSuspendedPending(s: ShopSyncState, maxIds: number): number {
  const suspension = s.suspension;
  const before = pendingCount(s.pending);
  if (!suspension || before <= maxIds) return 0;
  const oldest = oldestPendingMs(s.pending);
  const from = oldest !== undefined && oldest < Date.parse(suspension.since) ? new Date(oldest).toISOString() : suspension.since;
  suspension.catchUpFrom = suspension.catchUpFrom && suspension.catchUpFrom < from ? suspension.catchUpFrom : from;
  s.pending.upserts = {};
  if (pendingCount(s.pending) > maxIds) s.pending.deletes = {};
  const dropped = before - pendingCount(s.pending);
  suspension.droppedIds += dropped;
  if (pendingCount(s.pending) === 0) s.firstPendingAt = null;
  return dropped;
}
