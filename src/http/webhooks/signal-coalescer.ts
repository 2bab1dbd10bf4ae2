// Coalesces concurrent webhook deliveries for one shop into one signal-with-start, so that ingestion can go
// above Temporal's signal rate: each signal is a history event and an RPC that serialises on the shop's
// execution, and the dev server (SQLite) takes only so many per second.
//
// Two limits shape it:
// - per shop, one signal in flight at a time; deliveries that arrive meanwhile wait and then go out together
//   as ONE signal carrying all their batches, in arrival order (the workflow's pending set depends on the order
//   of a delete and an update of the same id);
// - across shops, a limit on signals in flight from this process. This is what makes merging happen under
//   load. Without it (issue 18.1, profiled in bench/RESULTS.md) every shop sent its next signal
//   the moment the previous one returned, which in a closed loop (each Upgates connection sends its next
//   delivery after the answer) meant one delivery per signal: the same signal count as without coalescing,
//   but every delivery also waited for its shop's previous signal, so it was slower than no coalescing.
//   With the cap, signals queue here instead of in Temporal, each shop's waiting deliveries keep growing
//   while it waits for a slot, and the next signal carries all of them. At low load a slot is free and a
//   delivery goes out at once (no added latency).
//   The limit adapts to Temporal's answer time (AIMD, as TCP does with its window): +1 for each signal
//   answered within `targetLatencyMs`, x0.75 (at most once per targetLatencyMs) for one answered later or
//   failed, between 1 and `maxInFlight`. A fixed limit is right for one speed of Temporal only: measured in
//   the ingestion bench on the loaded box, 48 in flight gave 0.14x the raw ceiling, 16 gave 0.47x, 4 gave
//   1.17x (slow signals: fewer in flight are each answered in time and carry more deliveries), while a fast
//   Temporal wants more in flight. The target is a third of the 700 ms answer deadline, since a delivery
//   may wait for its shop's signal in flight and then ride the next one.
// Each HTTP request is still answered only after the signal that carries its ids was accepted (durable in
// Temporal); if that signal fails, every request in it gets the error (the route answers 503; Upgates
// retries). A delivery whose answer deadline passed while it waited is dropped before sending (its request
// was already answered 503 and Upgates redelivers it): a signal no one waits for would only take a slot.
import type { WebhookBatch } from '../../../workflows/lib/pending-set.js';

export type SendBatches = (shopToken: string, profile: string, batches: WebhookBatch[]) => Promise<void>;

export interface SignalCoalescerOptions {
  /** Upper bound of ids in one merged signal, so its payload stays far below Temporal's limits. */
  maxItemsPerSignal?: number;
  /** Upper bound of signals in flight from this process, all shops together (WEBHOOK_SIGNALS_IN_FLIGHT). */
  maxInFlight?: number;
  /** Signal answer time the in-flight limit steers to. */
  targetLatencyMs?: number;
  now?: () => number;
}

export class SignalDeadlineExpired extends Error {
  override readonly name = 'SignalDeadlineExpired';
}

export interface SignalCoalescer {
  /**
   * Resolves once a signal carrying these batches was accepted; rejects with that signal's error, or with
   * SignalDeadlineExpired when `deadlineAt` (epoch ms) passed before the batches were sent.
   */
  submit(shopToken: string, profile: string, batches: WebhookBatch[], deadlineAt?: number): Promise<void>;
  /** Deliveries waiting, signals in flight and the current in-flight limit (tests, debugging). */
  stats(): { waiting: number; inFlight: number; limit: number };
}

interface Waiting {
  batches: WebhookBatch[];
  items: number;
  deadlineAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface ShopQueue {
  profile: string;
  waiting: Waiting[];
  sending: boolean;
}

export function createSignalCoalescer(send: SendBatches, options: SignalCoalescerOptions = {}): SignalCoalescer {
  const maxItems = options.maxItemsPerSignal ?? 20_000;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 32);
  const targetLatencyMs = options.targetLatencyMs ?? 250;
  const now = options.now ?? Date.now;
  let limit = Math.min(4, maxInFlight);
  let lastDecreaseAt = -Infinity;
  /** AIMD on each signal's answer time; `ok` false = failed (deadline, Temporal down): treated as slow. */
  function adapt(latencyMs: number, ok: boolean): void {
    if (ok && latencyMs <= targetLatencyMs) limit = Math.min(maxInFlight, limit + 1);
    else if (now() - lastDecreaseAt >= targetLatencyMs) {
      limit = Math.max(1, limit * 0.75);
      lastDecreaseAt = now();
    }
  }
  const shops = new Map<string, ShopQueue>();
  /** Shops with waiting deliveries and no signal in flight, oldest first (a Set keeps insertion order). */
  const ready = new Set<string>();
  let inFlight = 0;
  let waitingCount = 0;

  function pump(): void {
    while (inFlight < Math.floor(limit) && ready.size > 0) {
      const token = ready.values().next().value!;
      ready.delete(token);
      dispatch(token, shops.get(token)!);
    }
  }

  function dispatch(token: string, shop: ShopQueue): void {
    // Take deliveries in arrival order up to the item cap (always at least one), dropping expired ones.
    const group: Waiting[] = [];
    let items = 0;
    const t = now();
    while (shop.waiting.length > 0 && (group.length === 0 || items + shop.waiting[0]!.items <= maxItems)) {
      const next = shop.waiting.shift()!;
      waitingCount--;
      if (next.deadlineAt <= t) {
        next.reject(new SignalDeadlineExpired('the answer deadline passed before the signal was sent'));
        continue;
      }
      group.push(next);
      items += next.items;
    }
    if (group.length === 0) {
      settle(token, shop);
      return;
    }
    shop.sending = true;
    inFlight++;
    const sentAt = now();
    Promise.resolve()
      .then(() => send(token, shop.profile, mergeBatches(group.map((w) => w.batches))))
      .then(
        () => {
          adapt(now() - sentAt, true);
          for (const w of group) w.resolve();
        },
        (error: unknown) => {
          adapt(now() - sentAt, false);
          for (const w of group) w.reject(error);
        },
      )
      .finally(() => {
        shop.sending = false;
        inFlight--;
        settle(token, shop);
        pump();
      });
  }

  /** After a signal (or an all-expired group): wait for a slot again, or forget the shop. */
  function settle(token: string, shop: ShopQueue): void {
    if (shop.waiting.length > 0) ready.add(token);
    else shops.delete(token);
  }

  return {
    submit(shopToken, profile, batches, deadlineAt = Infinity) {
      return new Promise<void>((resolve, reject) => {
        const items = batches.reduce((n, b) => n + b.items.length, 0);
        let shop = shops.get(shopToken);
        if (!shop) shops.set(shopToken, (shop = { profile, waiting: [], sending: false }));
        shop.waiting.push({ batches, items, deadlineAt, resolve, reject });
        waitingCount++;
        if (!shop.sending) ready.add(shopToken);
        pump();
      });
    },
    stats: () => ({ waiting: waitingCount, inFlight, limit: Math.floor(limit) }),
  };
}

/**
 * Concatenates deliveries in order; adjacent batches of the same resource and action are joined into one.
 * Order matters to the workflow (a delete supersedes an earlier update of the same id), and only adjacent
 * batches are joined, so the order of every id's events is kept.
 */
export function mergeBatches(deliveries: WebhookBatch[][]): WebhookBatch[] {
  const out: WebhookBatch[] = [];
  for (const batches of deliveries) {
    for (const batch of batches) {
      const last = out[out.length - 1];
      if (last && last.resource === batch.resource && last.action === batch.action)
        last.items.push(...batch.items); // our own copy
      else out.push({ resource: batch.resource, action: batch.action, items: [...batch.items] });
    }
  }
  return out;
}
