// Which shop a webhook URL key belongs to, without a database query per delivery (issue 18.1).
// The route used to run Shop.findOne({webhookKeyHash}) for every delivery: on FerretDB that query cost more CPU
// than the signal itself and, with no deadline, made answers late under load (bench/RESULTS.md, webhook
// ingestion). Now the first delivery for a key reads the Shop document once and later ones are answered from
// this bounded cache (least recently used entries go first).
//
// What keeps it correct:
// - Only shops that are not uninstalled are cached. An unknown key (404) or an uninstalled shop (200, ignored)
//   is looked up every time, as before: both are rare, and nothing stale can come from them.
// - Invalidation in this process: the install and uninstall routes call forget(token) right after their
//   write, so a key replaced by a reinstall or a shop uninstalled here is refused at once (today's meaning).
// - Invalidation in every other process: each process reads, once per pollMs, the Shop documents whose
//   `updatedAt` (mongoose timestamps, set by every write through the model) moved, and drops their entries.
//   One indexed query per process per second, whatever the delivery rate. An entry is dropped when the
//   document's updatedAt is newer than the one it was read with, so a read that raced with a change is caught
//   by the next polls too (each reads back `skewMs`, which also covers writers whose clocks lag ours). An
//   uninstall or reinstall made by another API process is therefore seen here within about pollMs. The route
//   already had a smaller window of the same kind (it read the shop, then signalled, while an uninstall could
//   land in between).
// - A lookup that raced with forget() is not cached (epoch check), so a read from before an uninstall in this
//   process cannot be stored after it.
// - When the poll keeps failing (database unreachable from here) for longer than maxStaleMs, the cache stops
//   answering: lookups go to the database again and answer 503 if it is down, as before.
import type { ShopModel } from '../../db/models/shop.js';
import type { Logger } from '../../logger.js';

export interface WebhookShop {
  token: string;
  status: string;
  profile: string;
}

export interface WebhookShopCacheOptions {
  /** Keyed digest of a URL key, as stored in Shop.webhookKeyHash (WebhookUrlKeys.hash). */
  hash: (key: string) => string;
  maxEntries?: number;
  pollMs?: number;
  /** How far back each poll reads, to cover writers whose clocks lag ours. */
  skewMs?: number;
  /** After this long without a successful poll, entries are not trusted any more. */
  maxStaleMs?: number;
  logger?: Logger;
  now?: () => number;
}

export interface WebhookShopCache {
  /** The shop of this URL key, or null when no shop has it. Throws when the database cannot be read. */
  lookup(key: string): Promise<WebhookShop | null>;
  /** Drops the shop's entries at once (call after a write that changes its key or status). */
  forget(shopToken: string): void;
  /** Reads the changes made by other processes now (the timer does it every pollMs). */
  poll(): Promise<void>;
  stop(): void;
  /** For tests and metrics: entries held, database lookups made. */
  stats(): { entries: number; lookups: number; polls: number };
}

export function createWebhookShopCache(Shop: ShopModel, options: WebhookShopCacheOptions): WebhookShopCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const pollMs = options.pollMs ?? 1_000;
  const skewMs = options.skewMs ?? 10_000;
  const maxStaleMs = options.maxStaleMs ?? 30_000;
  const now = options.now ?? Date.now;
  /** key hash -> shop and the updatedAt it was read with; Map order is the recency order (re-inserted on each hit). */
  const byHash = new Map<string, { shop: WebhookShop; updatedAt: number }>();
  /** token -> key hashes cached for it (a reinstall leaves the old hash behind until it is forgotten). */
  const hashesByToken = new Map<string, Set<string>>();
  /** Lookups in flight, shared by concurrent deliveries of the same key. */
  const inFlight = new Map<string, Promise<WebhookShop | null>>();
  let epoch = 0;
  let lastPollOkAt = now();
  let pollFrom = now() - skewMs;
  let lookups = 0;
  let polls = 0;

  const remove = (hash: string) => {
    const entry = byHash.get(hash);
    if (!entry) return;
    byHash.delete(hash);
    const hashes = hashesByToken.get(entry.shop.token);
    hashes?.delete(hash);
    if (hashes?.size === 0) hashesByToken.delete(entry.shop.token);
  };
  /** Drops the token's entries read with an updatedAt older than `changedAt` (all of them by default). */
  const drop = (token: string, changedAt = Infinity) => {
    for (const hash of [...(hashesByToken.get(token) ?? [])]) if (byHash.get(hash)!.updatedAt < changedAt) remove(hash);
  };
  const forget = (token: string) => {
    epoch++;
    drop(token);
  };
  const store = (hash: string, shop: WebhookShop, updatedAt: number) => {
    byHash.set(hash, { shop, updatedAt });
    let hashes = hashesByToken.get(shop.token);
    if (!hashes) hashesByToken.set(shop.token, (hashes = new Set()));
    hashes.add(hash);
    while (byHash.size > maxEntries) remove(byHash.keys().next().value!);
  };

  async function load(hash: string): Promise<WebhookShop | null> {
    const startedEpoch = epoch;
    lookups++;
    const doc = await Shop.findOne({ webhookKeyHash: hash }, { token: 1, status: 1, profile: 1, updatedAt: 1 }).lean();
    if (!doc) return null;
    const shop: WebhookShop = { token: doc.token, status: doc.status, profile: doc.profile };
    // Not cached: uninstalled shops, and reads that an invalidation may have overtaken.
    if (shop.status !== 'uninstalled' && epoch === startedEpoch && trusted()) store(hash, shop, doc.updatedAt?.getTime() ?? 0);
    return shop;
  }
  const trusted = () => now() - lastPollOkAt <= maxStaleMs;

  async function poll(): Promise<void> {
    const startedAt = now();
    const from = pollFrom;
    const changed = await Shop.find({ updatedAt: { $gte: new Date(from) } }, { token: 1, updatedAt: 1 }).lean();
    polls++;
    for (const doc of changed) drop(doc.token, doc.updatedAt?.getTime() ?? Infinity);
    pollFrom = startedAt - skewMs;
    lastPollOkAt = startedAt;
  }

  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    poll()
      .catch((error: unknown) => {
        options.logger?.warn({ err: error }, 'webhook shop cache: reading changed shops failed');
        if (!trusted()) {
          byHash.clear();
          hashesByToken.clear();
          epoch++;
        }
      })
      .finally(() => (polling = false));
  }, pollMs);
  timer.unref();

  return {
    async lookup(key) {
      const hash = options.hash(key);
      const hit = byHash.get(hash);
      if (hit && trusted()) {
        byHash.delete(hash); // most recently used goes last
        byHash.set(hash, hit);
        return hit.shop;
      }
      let running = inFlight.get(hash);
      if (!running) {
        running = load(hash).finally(() => inFlight.delete(hash));
        inFlight.set(hash, running);
      }
      return running;
    },
    forget,
    poll,
    stop: () => clearInterval(timer),
    stats: () => ({ entries: byHash.size, lookups, polls }),
  };
}
