// Fleet gauges read at scrape time from MongoDB and Temporal: shops by state, shops stuck installing, the
// busiest shop's Upgates calls today against its declared budget and the 60,000/day monitor, and the worker
// task queue backlog. They are computed on demand (not pushed by workflows) so every API replica reports the
// same truth and nothing has to keep them up to date; one read serves all gauges of a scrape (cached 10 s).
//
// Per-shop values are reduced to a max and a count: a shop-token label would create a series per shop.
import type { Client } from '@temporalio/client';
import { Gauge, Histogram } from 'prom-client';
import type { Database } from '../db/connection.js';
import { expectedCallsPerDay, getProfile, UPGATES_DAILY_MONITOR_LIMIT, type AddonProfileName } from '../profiles/index.js';
import { utcDay } from '../upgates/usage-ledger.js';
import { quarantineStore } from '../db/quarantine-store.js';
import { metricsRegistry } from './registry.js';

/** A shop still 'installing' after this long is stuck (an install normally finishes within seconds). */
export const STUCK_INSTALL_MS = 15 * 60_000;
const CACHE_MS = 10_000;
const SHOP_STATES = ['installing', 'active', 'failed', 'uninstalled'] as const;

export interface FleetSource {
  db: Database;
  temporal: Client;
  namespace: string;
  taskQueue: string;
}

interface FleetReading {
  shops: Record<(typeof SHOP_STATES)[number], number>;
  stuckInstalling: number;
  maxCallsToday: number;
  maxBudgetRatio: number;
  shopsOverBudget: number;
  backlog: { workflow: number; activity: number } | null;
  quarantined: number;
}

let source: FleetSource | undefined;
let cached: { at: number; reading: Promise<FleetReading> } | undefined;

/** Points the gauges at this process's database and Temporal client (the last runtime started wins). */
export function useFleetSource(next: FleetSource): void {
  source = next;
  cached = undefined;
}

async function readBacklog(s: FleetSource): Promise<FleetReading['backlog']> {
  // Enum values of temporal.api.enums.v1 (TaskQueueKind NORMAL = 1; TaskQueueType WORKFLOW = 1, ACTIVITY = 2),
  // written as numbers because @temporalio/proto is not a direct dependency.
  const count = async (taskQueueType: 1 | 2) => {
    const answer = await s.temporal.workflowService.describeTaskQueue({
      namespace: s.namespace,
      taskQueue: { name: s.taskQueue, kind: 1 },
      taskQueueType,
      reportStats: true,
    });
    return Number(answer.stats?.approximateBacklogCount ?? 0);
  };
  try {
    const [workflow, activity] = await Promise.all([count(1), count(2)]);
    return { workflow, activity };
  } catch {
    return null; // Temporal unreachable: the gauge reports -1 and /readyz says why
  }
}

function declaredBudget(profile: string, version: number): number {
  try {
    return expectedCallsPerDay(getProfile(profile as AddonProfileName, version));
  } catch {
    return 0; // unknown profile: no budget to compare against
  }
}

async function read(s: FleetSource): Promise<FleetReading> {
  const { Shop } = s.db.models;
  const stuckBefore = new Date(Date.now() - STUCK_INSTALL_MS);
  const [counts, stuckInstalling, usage, backlog, quarantined] = await Promise.all([
    Promise.all(SHOP_STATES.map((status) => Shop.countDocuments({ status }))),
    Shop.countDocuments({ status: 'installing', updatedAt: { $lt: stuckBefore } }),
    s.db.connection
      .collection('api_usage')
      .find({ day: utcDay() }, { projection: { shopToken: 1, total: 1 } })
      .toArray(),
    readBacklog(s),
    quarantineStore(s.db.connection).count(),
  ]);
  const shops = Object.fromEntries(SHOP_STATES.map((status, i) => [status, counts[i]!])) as FleetReading['shops'];
  let maxCallsToday = 0;
  let maxBudgetRatio = 0;
  let shopsOverBudget = 0;
  if (usage.length > 0) {
    const tokens = usage.map((u) => String(u.shopToken));
    const profiles = await Shop.find({ token: { $in: tokens } }, { token: 1, profile: 1, version: 1 }).lean();
    const budgetOf = new Map(profiles.map((p) => [p.token, declaredBudget(p.profile, p.version)]));
    for (const u of usage) {
      const total = Number(u.total ?? 0);
      maxCallsToday = Math.max(maxCallsToday, total);
      const budget = budgetOf.get(String(u.shopToken)) ?? 0;
      if (budget > 0) {
        const ratio = total / budget;
        maxBudgetRatio = Math.max(maxBudgetRatio, ratio);
        if (ratio > 1) shopsOverBudget++;
      }
    }
  }
  return { shops, stuckInstalling, maxCallsToday, maxBudgetRatio, shopsOverBudget, backlog, quarantined };
}

async function reading(): Promise<FleetReading | undefined> {
  if (!source) return undefined;
  if (!cached || Date.now() - cached.at > CACHE_MS) {
    const promise = read(source);
    cached = { at: Date.now(), reading: promise };
    promise.catch(() => {
      if (cached?.reading === promise) cached = undefined; // do not cache a failed read (database down)
    });
  }
  try {
    return await cached.reading;
  } catch {
    return undefined;
  }
}

new Gauge({
  name: 'addon_shops',
  help: 'Shops by lifecycle state (installing, active, failed, uninstalled).',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) for (const status of SHOP_STATES) this.set({ status }, r.shops[status]);
  },
});

new Gauge({
  name: 'addon_shops_stuck_installing',
  help: `Shops still installing ${STUCK_INSTALL_MS / 60_000} minutes after their last change.`,
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.stuckInstalling);
  },
});

new Gauge({
  name: 'upgates_shop_calls_today_max',
  help: "The busiest shop's Upgates API calls so far today (UTC), from the usage ledger.",
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.maxCallsToday);
  },
});

new Gauge({
  name: 'upgates_daily_monitor_limit',
  help: "Upgates' monitor of API calls per shop per day (a shop above it is reviewed by Upgates).",
  registers: [metricsRegistry],
  collect() {
    this.set(UPGATES_DAILY_MONITOR_LIMIT);
  },
});

new Gauge({
  name: 'upgates_shop_budget_ratio_max',
  help: "Highest ratio of a shop's calls today to the calls per day its profile version declares in the Marketplace.",
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.maxBudgetRatio);
  },
});

new Gauge({
  name: 'upgates_shops_over_budget',
  help: 'Shops whose calls today already exceed what their profile version declares per day.',
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.shopsOverBudget);
  },
});

new Gauge({
  name: 'upgates_quarantined_records',
  help: 'Records of all shops in quarantine: their content fails our schema or mapping (retried daily and on sync now).',
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.quarantined);
  },
});

new Gauge({
  name: 'temporal_task_queue_backlog',
  help: 'Approximate tasks waiting for a worker on the task queue, by task type; -1 when Temporal did not answer.',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (!r) return;
    this.set({ type: 'workflow' }, r.backlog?.workflow ?? -1);
    this.set({ type: 'activity' }, r.backlog?.activity ?? -1);
  },
});

/**
 * Time from the newest webhook event a flush carried to the end of that flush (observed by the worker when the
 * shop workflow notes a flush). Debounce keeps it near SYNC_QUIET_SECONDS..SYNC_MAX_WAIT_SECONDS; far above means
 * flushes are failing or the worker is behind.
 */
export const shopFlushLag = new Histogram({
  name: 'shop_sync_flush_lag_seconds',
  help: 'Seconds from the newest webhook event of a flush to the end of the flush (observed by the worker).',
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [metricsRegistry],
});
