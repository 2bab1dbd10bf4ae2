// The webhook route's coalescer: concurrent deliveries for one shop share one signal, each answered only
// after the signal carrying its ids was accepted, order kept, failures reach every waiting delivery.
import { describe, expect, it } from 'vitest';
import { createSignalCoalescer, mergeBatches } from '../../src/http/webhooks/signal-coalescer.js';
import type { WebhookBatch } from '../../workflows/lib/pending-set.js';

const batch = (ids: string[], action: WebhookBatch['action'] = 'update'): WebhookBatch[] => [
  { resource: 'orders', action, items: ids.map((id) => ({ id })) },
];

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('signal coalescer', () => {
  it('sends the first delivery at once and merges those that arrive meanwhile into one signal', async () => {
    const sent: WebhookBatch[][] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const coalescer = createSignalCoalescer(async (_shop, _profile, batches) => {
      sent.push(batches);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
    });
    let answered = 0;
    const first = coalescer.submit('s', 'p', batch(['1'])).then(() => answered++);
    const second = coalescer.submit('s', 'p', batch(['2'])).then(() => answered++);
    const third = coalescer.submit('s', 'p', batch(['3'])).then(() => answered++);
    await Promise.resolve();
    expect(sent).toHaveLength(1); // only the first is in flight
    expect(answered).toBe(0); // nobody is answered before their signal was accepted
    gates[0]!.resolve();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toHaveLength(2);
    expect(sent[1]!.flatMap((b) => b.items.map((i) => i.id))).toEqual(['2', '3']); // merged, in arrival order
    expect(answered).toBe(1);
    gates[1]!.resolve();
    await Promise.all([second, third]);
    expect(answered).toBe(3);
  });

  it('rejects every delivery of a failed signal, and keeps shops apart', async () => {
    const gate = deferred();
    const shops: string[] = [];
    const coalescer = createSignalCoalescer(async (shop) => {
      shops.push(shop);
      if (shop === 'a' && shops.filter((s) => s === 'a').length === 1) await gate.promise; // only a's first signal fails
    });
    const a1 = coalescer.submit('a', 'p', batch(['1']));
    const a2 = coalescer.submit('a', 'p', batch(['2']));
    await coalescer.submit('b', 'p', batch(['9'])); // another shop is not held behind shop a
    expect(shops).toEqual(['a', 'b']);
    gate.reject(new Error('temporal down'));
    await expect(a1).rejects.toThrow('temporal down');
    await a2; // the second went in the next signal, which succeeded (gate only held the first)
  });

  it('keeps the order of events per id when merging (a delete after an update stays after it)', () => {
    const merged = mergeBatches([batch(['1']), batch(['1'], 'delete'), batch(['2'])]);
    expect(merged.map((b) => `${b.action}:${b.items.map((i) => i.id).join(',')}`)).toEqual(['update:1', 'delete:1', 'update:2']);
  });
});
