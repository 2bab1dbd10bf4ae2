// Reads from Upgates and writes into the mirror: initial sync page by page (resumable: the workflow keeps
// the page cursor), flushes of webhook ids by id lists (at most 100 ids per call, up to 3 calls in flight),
// tombstones for deletes, and incremental catch-up with `last_update_time_from`.
import { activityInfo, heartbeat } from '@temporalio/activity';
import type { SyncPagesInput, SyncPagesResult } from '../workflows/activity-types.js';
import type { SyncResource } from '../workflows/lib/pending-set.js';
import { isMirrored, MIRRORED_RESOURCES, SYNC_INFO, type MirroredResource } from '../src/upgates/resources.js';
import type { ByIdResource } from '../src/upgates/schemas/index.js';
import type { CallPriority } from '../src/upgates/http.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import type { SharedChangeBatch } from '../src/db/record-store.js';
import { chunk } from '../src/upgates/batching.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop, profileOf, loadShop, skipNotGranted } from './shop-context.js';
import { parseEventTime, toRecordVersion } from './record-mapping.js';
import { fetchIsolatingPoison } from './poison-records.js';
import { syncPageWaves } from './page-waves.js';
import { createPendingSpillActivities } from './pending-spill.js';

// How each resource is read comes from the sync table (src/upgates/resources.ts, SYNC_INFO).
const PAGINATED = new Set<MirroredResource>(MIRRORED_RESOURCES.filter((r) => SYNC_INFO[r].paginated));
/** Resources whose list endpoint filters by `last_update_time_from` (incremental catch-up). */
const INCREMENTAL = new Set<MirroredResource>(MIRRORED_RESOURCES.filter((r) => SYNC_INFO[r].incremental));
/** Fetched by id lists; the resource is its own by-id endpoint. */
const byIdResource = (resource: MirroredResource): ByIdResource | undefined =>
  SYNC_INFO[resource].fetchById ? (resource as ByIdResource) : undefined;
/** Quarantined ids retried per reconciliation or "sync now" (the oldest tried first). */
const MAX_QUARANTINE_RETRY = 1000;
const PARALLEL_CALLS = 3; // Upgates' per-shop concurrency limit; the client's semaphore enforces it too.

/** Upgates query time: ISO 8601 without milliseconds. */
const apiTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function withFailureMapping<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTemporalFailure(error);
  }
}

export function createSyncActivities(deps: ActivityDeps) {
  const { records, quarantine } = deps.stores;

  async function upsertItems(
    shopToken: string,
    resource: MirroredResource,
    items: Array<Record<string, unknown>>,
    expectNew = false,
    beat: () => void = () => heartbeat(),
    changeBatch?: SharedChangeBatch,
  ): Promise<number> {
    if (items.length === 0) return 0;
    // Heartbeat per write: a flush of a few hundred records on a slow store outlives the heartbeat timeout
    // otherwise, and the retry starts the whole fetch over (seen in the flood test: attempts timing out forever).
    await records.upsertMany(
      shopToken,
      resource,
      items.map((item) => toRecordVersion(resource, item)),
      new Date(),
      { expectNew, onProgress: beat, changeBatch },
    );
    return items.length;
  }

  async function fetchCodeList(
    client: UpgatesClient,
    resource: MirroredResource,
    priority: CallPriority,
  ): Promise<Array<Record<string, unknown>>> {
    switch (resource) {
      case 'orderStatuses':
        return (await client.getOrderStatuses({ priority })) as Array<Record<string, unknown>>;
      case 'languages':
        return (await client.getLanguages({ priority })) as Array<Record<string, unknown>>;
      case 'shipments':
        return (await client.getShipments({ priority })) as Array<Record<string, unknown>>;
      case 'payments':
        return (await client.getPayments({ priority })) as Array<Record<string, unknown>>;
      default:
        throw new Error(`${resource} is not a code list`);
    }
  }

  /**
   * Fetches ids by id lists (100 per call, up to 3 calls in flight), stores them, turns ids Upgates no longer
   * returns into tombstones and quarantines the ids whose own content fails (isolated by bisection, see
   * poison-records.ts) instead of failing the whole list. Every id that ends fetched or deleted leaves the quarantine.
   */
  async function syncIds(shopToken: string, resource: SyncResource, ids: string[], priority: CallPriority) {
    if (resource === 'productVariants') return { fetched: 0, tombstoned: 0, quarantined: 0 };
    const { client } = await clientForShop(deps, shopToken);
    const byId = byIdResource(resource);
    let items: Array<Record<string, unknown>> = [];
    const poisoned: Array<{ id: string; error: string }> = [];
    if (byId) {
      // Mapped before anything is written, so a record we cannot map is isolated like a schema failure.
      const fetchMapped = async (part: string[]) => {
        const found = (await client.fetchByIds(byId, part, { priority })) as Array<Record<string, unknown>>;
        for (const item of found) toRecordVersion(resource, item);
        return found;
      };
      // Up to 3 calls of 100 ids in flight, then store that wave before fetching the next (bounded memory,
      // and a heartbeat per wave so a crashed worker's attempt is retried quickly).
      for (const wave of chunk(chunk(ids, 100), PARALLEL_CALLS)) {
        const results = await Promise.all(wave.map((part) => fetchIsolatingPoison(part, fetchMapped)));
        const waveItems = results.flatMap((r) => r.items);
        for (const r of results) poisoned.push(...r.poisoned);
        heartbeat();
        await upsertItems(shopToken, resource, waveItems);
        items.push(...waveItems);
      }
    } else {
      // Code lists without an ids filter (order statuses, languages): small, fetched whole.
      items = await fetchCodeList(client, resource, priority);
      await upsertItems(shopToken, resource, items);
    }
    // An id we were told about that Upgates no longer returns was deleted meanwhile (a quarantined one was not).
    const seen = new Set(items.map((item) => toRecordVersion(resource, item).recordId));
    const poisonedIds = new Set(poisoned.map((p) => p.id));
    const missing = ids.filter((id) => !seen.has(id) && !poisonedIds.has(id));
    const now = new Date();
    const tombstoned = missing.length
      ? await records.tombstone(
          shopToken,
          resource,
          missing.map((recordId) => ({ recordId, deletedAt: now })),
          now,
          { onProgress: () => heartbeat() },
        )
      : 0;
    if (poisoned.length) {
      await quarantine.add(
        shopToken,
        resource,
        poisoned.map((p) => ({ recordId: p.id, error: p.error })),
        now,
      );
      deps.logger.warn(
        { shopToken, resource, quarantined: poisoned.length },
        'records quarantined: their content fails our schema or mapping',
      );
    }
    await quarantine.release(
      shopToken,
      resource,
      ids.filter((id) => !poisonedIds.has(id)),
    );
    return {
      fetched: byId ? items.length : items.filter((i) => ids.includes(toRecordVersion(resource, i).recordId)).length,
      tombstoned,
      quarantined: poisoned.length,
    };
  }

  async function applyTombstones({
    shopToken,
    resource,
    deletes,
  }: {
    shopToken: string;
    resource: SyncResource;
    deletes: Array<{ id: string; time: string }>;
  }) {
    if (resource === 'productVariants') {
      // A deleted variant changes its product; the payload does not name the product, our mirror does.
      const parents = await findVariantParents(
        deps,
        shopToken,
        deletes.map((d) => d.id),
      );
      return { tombstoned: 0, refetch: { products: parents } };
    }
    const tombstoned = await records.tombstone(
      shopToken,
      resource,
      deletes.map((d) => ({ recordId: d.id, deletedAt: parseEventTime(d.time) })),
      new Date(),
      {
        onProgress: () => heartbeat(),
      },
    );
    return { tombstoned };
  }

  return {
    ...createPendingSpillActivities(deps, {
      // Like fetchAndUpsert: ids of an access Upgates did not grant are dropped, so a spilled batch never blocks.
      syncIds: (shopToken, resource, ids, priority) =>
        withFailureMapping(() =>
          skipNotGranted({ fetched: 0, tombstoned: 0, quarantined: 0 }, () => syncIds(shopToken, resource, ids, priority)),
        ),
      applyTombstones,
    }),
    async planInitialSync({ shopToken, onlyResources }: { shopToken: string; onlyResources?: SyncResource[] }) {
      const shop = await loadShop(deps, shopToken);
      const profile = profileOf(shop);
      const wanted = new Set<SyncResource>();
      for (const scope of profile.initialSync) if (isMirrored(scope.resource)) wanted.add(scope.resource);
      for (const resource of profile.codeLists) if (isMirrored(resource)) wanted.add(resource);
      // Code lists first (statuses, languages... are needed to read orders), then the big resources.
      const ordered = [...wanted].sort(
        (a, b) => Number(PAGINATED.has(a as MirroredResource)) - Number(PAGINATED.has(b as MirroredResource)),
      );
      const lookbackDays = profile.initialSync.find((s) => s.resource === 'orders')?.lookbackDays ?? deps.config.sync.initialLookbackDays;
      const settingsLookback = Number((shop.settings as Record<string, unknown> | null)?.lookbackDays);
      const resources = onlyResources ? ordered.filter((r) => onlyResources.includes(r)) : ordered;
      return {
        resources,
        lookbackDays: Number.isFinite(settingsLookback) && settingsLookback > 0 ? settingsLookback : lookbackDays,
        codeLists: resources.filter((r) => !PAGINATED.has(r as MirroredResource)),
      };
    },

    async syncCodeLists({
      shopToken,
      resources,
      priority,
      expectNew,
    }: {
      shopToken: string;
      resources: SyncResource[];
      priority: CallPriority;
      expectNew: boolean;
    }): Promise<{ records: Partial<Record<SyncResource, number>> }> {
      return withFailureMapping(async () => {
        const { client } = await clientForShop(deps, shopToken);
        // Fetched together (the client keeps the shop's 3 requests in flight); a list whose access Upgates did not
        // grant is skipped (0 records), like syncPages does, and the others are still synced.
        const lists = await Promise.all(
          resources.map((resource) => skipNotGranted(null, () => fetchCodeList(client, resource as MirroredResource, priority))),
        );
        heartbeat();
        // Written under one change claim: the lists are a few records each, the claim's statements were the cost.
        const changeBatch = records.openChangeBatch(shopToken);
        const counts: Partial<Record<SyncResource, number>> = {};
        try {
          for (const [i, resource] of resources.entries()) {
            const items = lists[i];
            counts[resource] = items
              ? await upsertItems(shopToken, resource as MirroredResource, items, expectNew, undefined, changeBatch)
              : 0;
          }
        } finally {
          await changeBatch.close();
        }
        return { records: counts };
      });
    },

    async syncPages(input: SyncPagesInput): Promise<SyncPagesResult> {
      // An access Upgates did not grant (403, recorded on the shop): the resource is done, the sync goes on.
      return withFailureMapping(() =>
        skipNotGranted({ nextPage: null, totalPages: 0, records: 0 }, async () => {
          const resource = input.resource as MirroredResource;
          const { client } = await clientForShop(deps, input.shopToken);
          // A full (first) sync writes mostly new records: insert first, fall back per record to the guard. The
          // read a guarded write starts with is no index lookup on FerretDB (only a lone `_id` filter is), so it
          // costs time in proportion to every shop's records: the fleet bench's largest database cost.
          const expectNew = !input.lastUpdateTimeFrom;
          if (!PAGINATED.has(resource)) {
            const items = await fetchCodeList(client, resource, input.priority);
            return { nextPage: null, totalPages: 1, records: await upsertItems(input.shopToken, resource, items, expectNew) };
          }
          const query: Record<string, string> = {};
          if (input.creationTimeFrom) query.creation_time_from = apiTime(input.creationTimeFrom);
          if (input.lastUpdateTimeFrom) query.last_update_time_from = apiTime(input.lastUpdateTimeFrom);
          // Oldest first, so orders created during the sync land on later pages instead of shifting earlier ones.
          if (resource === 'orders')
            Object.assign(query, { order_by: input.lastUpdateTimeFrom ? 'last_update_time' : 'creation_time', order_dir: 'asc' });

          type Page = Awaited<ReturnType<typeof client.getPage>>;
          // The activity's waves write under one change claim (rolled over every SHARED_CLAIM_ROLL_AFTER_MS): two
          // statements per activity instead of per wave. The feed sees the waves when the claim is committed.
          const changeBatch = records.openChangeBatch(input.shopToken);
          try {
            return await syncPageWaves<Page>({
              resource,
              fromPage: input.fromPage,
              maxPages: input.maxPages,
              waveSize: PARALLEL_CALLS,
              previous: activityInfo().heartbeatDetails,
              fetchPage: (page) => client.getPage(resource, page, query, { priority: input.priority }),
              totalPagesOf: (page) => page.info.number_of_pages ?? 0,
              // One store call per wave (up to 300 records): a third of the statements and change claims of a
              // call per page. Heartbeats while it writes repeat the last checkpoint, never this wave.
              writeWave: (pages, checkpoint) =>
                upsertItems(
                  input.shopToken,
                  resource,
                  pages.flatMap((page) => page.items as Array<Record<string, unknown>>),
                  expectNew,
                  () => heartbeat(checkpoint()),
                  changeBatch,
                ),
              onCheckpoint: (checkpoint) => heartbeat(checkpoint),
            });
          } finally {
            await changeBatch.close();
          }
        }),
      );
    },

    async fetchAndUpsert({
      shopToken,
      resource,
      ids,
      priority,
    }: {
      shopToken: string;
      resource: SyncResource;
      ids: string[];
      priority: CallPriority;
    }) {
      // Ids of an access Upgates did not grant cannot be fetched, now or later: dropped, never tombstoned.
      return withFailureMapping(() =>
        skipNotGranted({ fetched: 0, tombstoned: 0, quarantined: 0 }, () => syncIds(shopToken, resource, ids, priority)),
      );
    },

    /**
     * Retries the shop's quarantined ids (daily reconciliation, "sync now"): ids that fetch and map now are
     * stored and released, ids Upgates no longer has become tombstones, the rest stay with attempts + 1.
     */
    async retryQuarantined({ shopToken, priority }: { shopToken: string; priority: CallPriority }) {
      return withFailureMapping(async () => {
        const entries = await quarantine.list(shopToken, MAX_QUARANTINE_RETRY);
        const byResource = new Map<SyncResource, string[]>();
        for (const entry of entries) {
          const list = byResource.get(entry.resource as SyncResource) ?? [];
          list.push(entry.recordId);
          byResource.set(entry.resource as SyncResource, list);
        }
        let stillQuarantined = 0;
        for (const [resource, ids] of byResource)
          for (const part of chunk(ids, 300)) stillQuarantined += (await syncIds(shopToken, resource, part, priority)).quarantined;
        return { retried: entries.length, released: entries.length - stillQuarantined, stillQuarantined };
      });
    },

    applyTombstones,

    async catchUp({ shopToken, since, priority }: { shopToken: string; since: string; priority: CallPriority }) {
      return withFailureMapping(async () => {
        const { client, profile } = await clientForShop(deps, shopToken);
        const resources = new Set<MirroredResource>();
        for (const scope of profile.initialSync) if (isMirrored(scope.resource)) resources.add(scope.resource as MirroredResource);
        for (const resource of profile.codeLists) if (isMirrored(resource)) resources.add(resource as MirroredResource);
        let count = 0;
        for (const resource of resources) {
          // An access Upgates did not grant is skipped; the other resources are still caught up.
          await skipNotGranted(undefined, async () => {
            if (!INCREMENTAL.has(resource)) {
              if (!PAGINATED.has(resource))
                count += await upsertItems(shopToken, resource, await fetchCodeList(client, resource, priority));
              return;
            }
            for await (const page of client.iteratePages(resource as 'orders', { last_update_time_from: apiTime(since) }, { priority })) {
              count += await upsertItems(shopToken, resource, page.items as Array<Record<string, unknown>>);
              heartbeat();
            }
          });
        }
        return { records: count };
      });
    },
  };
}

/**
 * Products whose stored (newest) version lists one of the variants. A live read: a plain find returns a product
 * twice, or by a variant its newest version no longer has, while the FerretDB write path holds two versions.
 */
export async function findVariantParents(
  deps: { stores: Pick<ActivityDeps['stores'], 'liveRecords'> },
  shopToken: string,
  variantIds: string[],
): Promise<string[]> {
  const numeric = variantIds.map(Number).filter(Number.isFinite);
  const parents = await deps.stores.liveRecords.read(shopToken, 'products', {
    where: { 'data.variants.variant_id': { $in: [...variantIds, ...numeric] } },
    withData: false,
  });
  return parents.map((p) => p.recordId);
}
