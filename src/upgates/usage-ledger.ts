// Counts every Upgates API call per shop, UTC day and access, so operators and the usage guard can compare
// real use with the Marketplace declaration and Upgates' 60,000/day monitor.
//
// Counting is awaited, once per HTTP attempt, BEFORE the request is sent: nothing sits in a memory buffer
// that a crash could lose, and if MongoDB is unreachable the call is not made (fail closed: an uncounted
// call is worse than a delayed one). The cost is one small upsert per API call, which is cheap next to the
// API round-trip; calls of a shop made together (a wave of 3 pages) share one upsert. Attempts that end in 401/429/5xx/timeouts are counted too: Upgates sees them as calls.
//
// Writes for one shop are serialised in the process. FerretDB 1.24 (SQLite) applies `$inc` as an unlocked
// read-modify-write: 30 concurrent increments of one document were measured to store 2, with no error.
// Serialising per shop makes the count exact there too, because only one process calls the API for a shop
// at a time (README.md); on MongoDB `$inc` is atomic anyway and the queue costs one round-trip of latency.
import type { Connection } from 'mongoose';
import { apiUsageModel } from '../db/models/api-usage.js';
import type { Access } from './resources.js';

export interface DayUsage {
  shopToken: string;
  day: string;
  total: number;
  counts: Partial<Record<Access, number>>;
}

export interface UsageSummary {
  day: string;
  total: number;
  byAccess: Partial<Record<Access, number>>;
  /** Shops by descending total. */
  shops: DayUsage[];
}

export interface UsageLedger {
  /** Adds one call; resolves once it is stored. */
  record(shopToken: string, access: Access, at?: Date): Promise<void>;
  getUsage(shopToken: string, day: string): Promise<DayUsage>;
}

/** `YYYY-MM-DD` of the instant in UTC. */
export const utcDay = (at: Date = new Date()): string => at.toISOString().slice(0, 10);

/** Field-safe key of an access: `orders:GET` -> `orders_GET` (no dots, no colons in stored field names). */
export const accessKey = (access: Access): string => access.replace(':', '_');
const accessFromKey = (key: string): Access => key.replace('_', ':') as Access;

const DUPLICATE_KEY = 11000;

/** A day document's `_id` (documents written before this key have an ObjectId; readers filter by shop and day). */
export const usageId = (shopToken: string, day: string): string => `${shopToken}:${day}`;

/** Tail of each shop's write queue, shared by every ledger instance in the process. */
const writeQueues = new Map<string, Promise<void>>();

function serialised(key: string, write: () => Promise<void>): Promise<void> {
  const previous = writeQueues.get(key) ?? Promise.resolve();
  const next = previous.then(write);
  const tail = next.catch(() => undefined);
  writeQueues.set(key, tail);
  void tail.then(() => {
    if (writeQueues.get(key) === tail) writeQueues.delete(key);
  });
  return next;
}

/** Calls of one shop and day waiting for their shared increment; sealed once its write starts. */
interface PendingIncrement {
  counts: Map<string, number>;
  total: number;
  at: Date;
  sealed: boolean;
  stored: Promise<void>;
}

export class MongoUsageLedger implements UsageLedger {
  private readonly model;
  /** Per shop and day, the increment that has not started writing yet (calls made meanwhile join it). */
  private readonly pending = new Map<string, PendingIncrement>();

  constructor(connection: Connection) {
    this.model = apiUsageModel(connection);
  }

  /**
   * Calls made together share one increment: a wave of 3 page requests costs one update, not three. Each caller
   * still resolves only once its call is stored (fail closed, as before); a call made while a write is running
   * joins the next one. The write waits one event-loop turn, so calls started in the same turn meet.
   */
  record(shopToken: string, access: Access, at: Date = new Date()): Promise<void> {
    const key = `${shopToken}\u0000${utcDay(at)}`;
    const open = this.pending.get(key);
    if (open && !open.sealed) {
      open.counts.set(accessKey(access), (open.counts.get(accessKey(access)) ?? 0) + 1);
      open.total++;
      if (at > open.at) open.at = at;
      return open.stored;
    }
    const increment: PendingIncrement = {
      counts: new Map([[accessKey(access), 1]]),
      total: 1,
      at,
      sealed: false,
      stored: Promise.resolve(),
    };
    this.pending.set(key, increment);
    increment.stored = serialised(shopToken, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      increment.sealed = true;
      if (this.pending.get(key) === increment) this.pending.delete(key);
      await this.increment(shopToken, increment);
    });
    return increment.stored;
  }

  private async increment(shopToken: string, increment: PendingIncrement): Promise<void> {
    const inc: Record<string, number> = { total: increment.total };
    for (const [field, n] of increment.counts) inc[`counts.${field}`] = n;
    const day = utcDay(increment.at);
    const change = { $inc: inc, $set: { updatedAt: increment.at } };
    try {
      // By `_id` alone: the only filter FerretDB 1.24 answers from an index (any other scans every shop's days),
      // and this write precedes every API call.
      await this.model.updateOne({ _id: usageId(shopToken, day) }, { ...change, $setOnInsert: { shopToken, day } }, { upsert: true });
    } catch (err) {
      // The insert met the unique (shopToken, day) index: another first call of the day inserted meanwhile, or
      // the day's document predates `_id` keys (an ObjectId). Either way exactly one document matches this.
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      await this.model.updateOne({ shopToken, day }, change);
    }
  }

  async getUsage(shopToken: string, day: string): Promise<DayUsage> {
    const doc = await this.model.findOne({ shopToken, day }).lean();
    return toDayUsage(shopToken, day, doc?.counts, doc?.total);
  }

  /** Every shop's usage on a day, for an operator's query. A plain find: FerretDB-friendly, no aggregation. */
  async getUsageSummary(day: string): Promise<UsageSummary> {
    const docs = await this.model.find({ day }).lean();
    const shops = docs.map((doc) => toDayUsage(doc.shopToken, day, doc.counts, doc.total)).sort((a, b) => b.total - a.total);
    return summarise(day, shops);
  }
}

/** Process-local ledger for tests and tools without a database. Same semantics, nothing persisted. */
export class MemoryUsageLedger implements UsageLedger {
  private readonly days = new Map<string, DayUsage>();

  async record(shopToken: string, access: Access, at: Date = new Date()): Promise<void> {
    const day = utcDay(at);
    const id = `${shopToken}\u0000${day}`;
    const usage = this.days.get(id) ?? { shopToken, day, total: 0, counts: {} };
    usage.counts[access] = (usage.counts[access] ?? 0) + 1;
    usage.total++;
    this.days.set(id, usage);
  }

  async getUsage(shopToken: string, day: string): Promise<DayUsage> {
    const usage = this.days.get(`${shopToken}\u0000${day}`);
    return usage ? { ...usage, counts: { ...usage.counts } } : { shopToken, day, total: 0, counts: {} };
  }

  async getUsageSummary(day: string): Promise<UsageSummary> {
    const shops = [...this.days.values()].filter((u) => u.day === day).sort((a, b) => b.total - a.total);
    return summarise(day, shops);
  }
}

function toDayUsage(
  shopToken: string,
  day: string,
  counts: Map<string, number> | Record<string, number> | undefined,
  total: number | undefined,
): DayUsage {
  const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts ?? {});
  const out: Partial<Record<Access, number>> = {};
  for (const [key, n] of entries) out[accessFromKey(key)] = n;
  return { shopToken, day, total: total ?? 0, counts: out };
}

function summarise(day: string, shops: DayUsage[]): UsageSummary {
  const byAccess: Partial<Record<Access, number>> = {};
  let total = 0;
  for (const shop of shops) {
    total += shop.total;
    for (const [access, n] of Object.entries(shop.counts) as Array<[Access, number]>) byAccess[access] = (byAccess[access] ?? 0) + n;
  }
  return { day, total, byAccess, shops };
}
