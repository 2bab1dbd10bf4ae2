// Coalesces concurrent webhook deliveries for one shop into one signal-with-start.
// One signal per request makes Temporal's per-workflow write path the ceiling: every signal is a history
// event and an RPC that serialises on the shop's execution. Here the first delivery for a shop goes out at
// once (no added latency when idle); deliveries that arrive while that signal is in flight wait and then
// go out together as ONE signal carrying all their batches, in arrival order. Each HTTP request is still
// answered only after the signal that carries its ids was accepted (durable in Temporal); if that signal
// fails, every request in it gets the error (the route answers 503 and Upgates retries).
// bench/RESULTS.md (webhook ingestion) measures it with and without.
import type { WebhookBatch } from '../../../workflows/lib/pending-set.js';

export type SendBatches = (shopToken: string, profile: string, batches: WebhookBatch[]) => Promise<void>;

export interface SignalCoalescerOptions {
  /** Upper bound of ids in one merged signal, so its payload stays far below Temporal's limits. */
  maxItemsPerSignal?: number;
}

export interface SignalCoalescer {
  /** Resolves once a signal carrying these batches was accepted; rejects with that signal's error. */
  submit(shopToken: string, profile: string, batches: WebhookBatch[]): Promise<void>;
}

interface Waiting {
  batches: WebhookBatch[];
  items: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createSignalCoalescer(send: SendBatches, options: SignalCoalescerOptions = {}): SignalCoalescer {
  const maxItems = options.maxItemsPerSignal ?? 20_000;
  // Per shop: deliveries waiting for the signal in flight to finish. A key is present while a drain runs.
  const queues = new Map<string, Waiting[]>();

  async function drain(shopToken: string, profile: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      // Take deliveries in arrival order up to the item cap (always at least one).
      const group: Waiting[] = [];
      let items = 0;
      while (queue.length > 0 && (group.length === 0 || items + queue[0]!.items <= maxItems)) {
        const next = queue.shift()!;
        group.push(next);
        items += next.items;
      }
      try {
        await send(shopToken, profile, mergeBatches(group.map((w) => w.batches)));
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    queues.delete(shopToken);
  }

  return {
    submit(shopToken, profile, batches) {
      return new Promise<void>((resolve, reject) => {
        const items = batches.reduce((n, b) => n + b.items.length, 0);
        const waiting: Waiting = { batches, items, resolve, reject };
        const running = queues.get(shopToken);
        if (running) {
          running.push(waiting);
          return;
        }
        const queue = [waiting];
        queues.set(shopToken, queue);
        void drain(shopToken, profile, queue);
      });
    },
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
