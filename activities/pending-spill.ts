// Activities behind the shop workflow's spilled pending ids (issue 16.2, src/db/pending-spill-store.ts): write
// batches of ids when the workflow continues-as-new with too many, and process the oldest batch per call
// exactly like a flush would (fetch + upsert with poison isolation, or tombstones), removing it only after.
import type { CallPriority } from '../src/upgates/http.js';
import type { SpilledBatch } from '../src/db/pending-spill-store.js';
import type { SyncResource } from '../workflows/lib/pending-set.js';
import type { ActivityDeps } from './deps.js';

export interface SpillHelpers {
  syncIds(
    shopToken: string,
    resource: SyncResource,
    ids: string[],
    priority: CallPriority,
  ): Promise<{ fetched: number; tombstoned: number; quarantined: number }>;
  applyTombstones(input: {
    shopToken: string;
    resource: SyncResource;
    deletes: Array<{ id: string; time: string }>;
  }): Promise<{ tombstoned: number; refetch?: Partial<Record<SyncResource, string[]>> }>;
}

export function createPendingSpillActivities(deps: ActivityDeps, helpers: SpillHelpers) {
  const spills = deps.stores.pendingSpills;
  return {
    async spillPending({ shopToken, docs }: { shopToken: string; docs: SpilledBatch[] }) {
      await spills.write(shopToken, docs);
      return { written: docs.length };
    },

    async drainSpilledPending({ shopToken, priority }: { shopToken: string; priority: CallPriority }) {
      const next = await spills.oldest(shopToken);
      let fetched = 0;
      let tombstoned = 0;
      let drainedIds = 0;
      let refetch: Partial<Record<SyncResource, string[]>> | undefined;
      if (next) {
        const { resource, action, items } = next.batch;
        if (action === 'delete') {
          const result = await helpers.applyTombstones({
            shopToken,
            resource,
            deletes: items.map((i) => ({ id: i.id, time: i.time ?? '' })),
          });
          tombstoned = result.tombstoned;
          refetch = result.refetch;
        } else {
          const result = await helpers.syncIds(
            shopToken,
            resource,
            items.map((i) => i.id),
            priority,
          );
          fetched = result.fetched;
          tombstoned = result.tombstoned;
        }
        await spills.remove(shopToken, next.seq);
        drainedIds = items.length;
      }
      const remaining = await spills.remaining(shopToken);
      return {
        drainedIds,
        remainingDocs: remaining.docs,
        remainingIds: remaining.ids,
        fetched,
        tombstoned,
        ...(refetch ? { refetch } : {}),
      };
    },
  };
}
