// Shared by the shop-sync end-to-end files: waiting for a shop's phase, reading the shop workflow's state,
// and reading what its activities were asked to do from the workflow histories (ids only; no secrets there).
import type { Client } from '@temporalio/client';
import { shopStateQuery, type ShopStatusView } from '../../workflows/messages.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { eventually, type E2E } from '../helpers/e2e-env.js';
import { diffMirror, type MirrorDiff } from '../helpers/mirror.js';
import type { SandboxShop } from '../../sandbox/index.js';
import type { Database } from '../../src/db/connection.js';
import { readLiveRecords } from '../../src/db/record-store.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function shopState(client: Client, token: string): Promise<ShopStatusView> {
  return client.workflow.getHandle(shopWorkflowId(token)).query(shopStateQuery);
}

export function waitPhase(client: Client, token: string, phase: ShopStatusView['phase'], timeoutMs = 120_000): Promise<ShopStatusView> {
  return eventually(
    `shop ${token} ${phase}`,
    async () => {
      const state = await shopState(client, token);
      return state.phase === phase ? state : undefined;
    },
    timeoutMs,
    500,
  );
}

export const pendingTotal = (state: ShopStatusView) => Object.values(state.pendingCounts).reduce((a, b) => a + b, 0);

/** Deliveries idle, no pending ids, and the mirror equals the shop (a flush in flight shows as a diff). */
export async function waitMirrored(
  e2e: E2E,
  shop: SandboxShop,
  resource: 'orders' | 'products' = 'orders',
  timeoutMs = 120_000,
): Promise<MirrorDiff> {
  await e2e.sandbox.waitForDeliveriesIdle(timeoutMs);
  await eventually(
    `no pending ids for ${shop.token}`,
    async () => pendingTotal(await shopState(e2e.app.temporal, shop.token)) === 0,
    timeoutMs,
    500,
  );
  let last: MirrorDiff | undefined;
  try {
    return await eventually(
      `mirror of ${shop.token} ${resource} equal to the sandbox`,
      async () => {
        last = await diffMirror(e2e.app.db, shop, resource);
        return last.missing.length + last.extra.length + last.stale.length === 0 ? last : undefined;
      },
      timeoutMs,
      1_000,
    );
  } catch (error) {
    const sample = last && { missing: last.missing.slice(0, 5), extra: last.extra.slice(0, 5), stale: last.stale.slice(0, 5) };
    throw new Error(
      `${(error as Error).message}; last diff ${JSON.stringify(sample)} (missing ${last?.missing.length}, extra ${last?.extra.length}, stale ${last?.stale.length})`,
    );
  }
}

export interface ScheduledActivity {
  runId: string;
  type: string;
  input: Record<string, unknown>;
  /** Attempts the activity took (from its started event; 1 when it has not started yet). */
  attempts: number;
  lastFailure?: string;
}

/** Every activity scheduled by every run of the shop workflow, with its decoded input. */
export async function scheduledActivities(client: Client, token: string): Promise<ScheduledActivity[]> {
  const id = shopWorkflowId(token);
  const out: ScheduledActivity[] = [];
  const runIds: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${id}"` })) runIds.push(execution.runId);
  for (const runId of runIds) {
    const history = await client.workflow.getHandle(id, runId).fetchHistory();
    const byEventId = new Map<string, ScheduledActivity>();
    for (const event of history.events ?? []) {
      const attrs = event.activityTaskScheduledEventAttributes;
      const started = event.activityTaskStartedEventAttributes;
      if (started) {
        const scheduled = byEventId.get(String(started.scheduledEventId));
        if (scheduled) {
          scheduled.attempts = started.attempt ?? 1;
          if (started.lastFailure?.message) scheduled.lastFailure = started.lastFailure.message;
        }
      }
      if (!attrs) continue;
      const payload = attrs.input?.payloads?.[0];
      const input = payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as Record<string, unknown>) : {};
      const activity: ScheduledActivity = { runId, type: attrs.activityType?.name ?? '', input, attempts: 1 };
      byEventId.set(String(event.eventId), activity);
      out.push(activity);
    }
  }
  return out;
}

export interface MirrorWatch {
  /** Reads of one shop's mirror. */
  reads: number;
  /** Reads in which at least one record had a newer version than in that shop's previous read (reads met writes). */
  readsSeeingChanges: number;
  /** Records per shop in the first read: every one of them is synced before the watch starts. */
  firstCounts: Record<string, number>;
  /** A record seen in an earlier read and absent from a later one, or seen with an older version than before. */
  violations: string[];
}

/**
 * A reader of the mirror running beside the writers, taking the same read every reader of the mirror takes
 * (readLiveRecords: the newest version of each id). Once a record has been read it must be in every later
 * read, at the same or a newer version. Reads the shops one after another, pausing `pauseMs` after each round
 * (every read scans the collection on FerretDB; a reader without pauses slows the writers it watches).
 */
export function watchMirror(db: Database, tokens: string[], resource = 'orders', pauseMs = 50): { stop(): Promise<MirrorWatch> } {
  const watch: MirrorWatch = { reads: 0, readsSeeingChanges: 0, firstCounts: {}, violations: [] };
  const seen = new Map(tokens.map((token) => [token, new Map<string, number>()]));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const token of tokens) {
        const held = seen.get(token)!;
        const live = await readLiveRecords(db.models.SyncedRecord, token, resource, { withData: false });
        const now = new Map(live.map((r) => [r.recordId, r.lastUpdateTime ? new Date(r.lastUpdateTime).getTime() : 0]));
        watch.firstCounts[token] ??= now.size;
        let changed = false;
        const before = watch.violations.length;
        for (const [id, version] of held) {
          const current = now.get(id);
          if (current === undefined) watch.violations.push(`${token} read ${watch.reads}: ${id} missing`);
          else if (current < version) watch.violations.push(`${token} read ${watch.reads}: ${id} went back to an older version`);
          else if (current > version) changed = true;
        }
        // Said at once: a run that times out later still shows what the reader saw.
        if (watch.violations.length > before)
          console.log(`mirror reader: ${watch.violations.length - before} violations, e.g. ${watch.violations[before]}`);
        for (const [id, version] of now) held.set(id, Math.max(version, held.get(id) ?? 0));
        watch.reads++;
        if (changed) watch.readsSeeingChanges++;
      }
      await sleep(pauseMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return watch;
    },
  };
}
