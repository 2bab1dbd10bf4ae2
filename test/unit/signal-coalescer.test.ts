// The webhook route's coalescer: concurrent deliveries for one shop share one signal, each answered only
// after the signal carrying its ids was accepted, order kept, failures reach every waiting delivery.
import { describe, expect, it } from 'vitest';
import { createSignalCoalescer, mergeBatches, SignalDeadlineExpired } from '../../src/http/webhooks/signal-coalescer.js';
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

  it('under load (closed loop: each client sends again after its answer) merges deliveries: fewer signals than deliveries', async () => {
    // The defect of issue 18.1: every shop sent its next signal the moment the previous one returned, so with
    // two clients per shop each signal carried one delivery (as many signals as without coalescing, each
    // delivery also waiting for the previous one). A cap on signals in flight across shops makes them merge.
    let signals = 0;
    let maxInFlight = 0;
    let inFlight = 0;
    const coalescer = createSignalCoalescer(
      async () => {
        signals++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 5)); // Temporal's answer time
        inFlight--;
      },
      { maxInFlight: 4 },
    );
    const shops = 10;
    const clientsPerShop = 2;
    const rounds = 15;
    let delivered = 0;
    let nextId = 0;
    const seen: string[] = [];
    const client = async (shop: number) => {
      for (let i = 0; i < rounds; i++) {
        const id = String(nextId++);
        await coalescer.submit(`s${shop}`, 'p', batch([id]));
        seen.push(id);
        delivered++;
      }
    };
    await Promise.all(Array.from({ length: shops * clientsPerShop }, (_, i) => client(i % shops)));
    expect(delivered).toBe(shops * clientsPerShop * rounds);
    expect(new Set(seen).size).toBe(delivered);
    expect(delivered / signals).toBeGreaterThanOrEqual(1.5);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(coalescer.stats()).toMatchObject({ waiting: 0, inFlight: 0 });
  });

  it('adapts the in-flight limit to the answer time: down when Temporal slows with load, up to the maximum when it is fast', async () => {
    // A saturated server: each signal takes 3 ms per signal in flight (fixed throughput), so more in flight only
    // makes every signal slower. With a 15 ms target the limit must settle near 5, far below the maximum of 32.
    let inFlight = 0;
    let signals = 0;
    const slow = createSignalCoalescer(
      async () => {
        signals++;
        const ms = 3 * ++inFlight;
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
      },
      { maxInFlight: 32, targetLatencyMs: 15 },
    );
    const limits: number[] = [];
    const closedLoop = async (coalescer: typeof slow, shops: number, clientsPerShop: number, rounds: number) => {
      let delivered = 0;
      await Promise.all(
        Array.from({ length: shops * clientsPerShop }, async (_, c) => {
          for (let i = 0; i < rounds; i++) {
            await coalescer.submit(`s${c % shops}`, 'p', batch([`${c}-${i}`]));
            delivered++;
            limits.push(coalescer.stats().limit);
          }
        }),
      );
      return delivered;
    };
    const delivered = await closedLoop(slow, 40, 2, 10);
    const late = limits.slice(limits.length / 2);
    expect(Math.max(...late)).toBeLessThanOrEqual(12);
    expect(delivered / signals).toBeGreaterThanOrEqual(1.5);

    const fast = createSignalCoalescer(async () => new Promise((r) => setTimeout(r, 1)), { maxInFlight: 8, targetLatencyMs: 50 });
    limits.length = 0;
    await closedLoop(fast, 20, 2, 10);
    expect(Math.max(...limits)).toBe(8);
  });

  it('keeps one signal in flight per shop and serves waiting shops in turn when the cap is reached', async () => {
    const sent: string[] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const coalescer = createSignalCoalescer(
      async (shop, _profile, batches) => {
        sent.push(`${shop}:${batches.flatMap((b) => b.items.map((i) => i.id)).join(',')}`);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
      },
      { maxInFlight: 1 },
    );
    const a1 = coalescer.submit('a', 'p', batch(['1']));
    const b1 = coalescer.submit('b', 'p', batch(['2'])); // waits for a slot
    const a2 = coalescer.submit('a', 'p', batch(['3'])); // waits for a's signal
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['a:1']);
    gates[0]!.resolve();
    await a1;
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['a:1', 'b:2']); // b waited longer than a's second delivery
    const a3 = coalescer.submit('a', 'p', batch(['4']));
    gates[1]!.resolve();
    await b1;
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['a:1', 'b:2', 'a:3,4']); // merged while waiting
    gates[2]!.resolve();
    await Promise.all([a2, a3]);
  });

  it('drops a delivery whose answer deadline passed while it waited (its request was answered 503), never sends it', async () => {
    let clock = 1000;
    const sent: string[] = [];
    const gate = deferred();
    const coalescer = createSignalCoalescer(
      async (_shop, _profile, batches) => {
        sent.push(batches.flatMap((b) => b.items.map((i) => i.id)).join(','));
        if (sent.length === 1) await gate.promise;
      },
      { maxInFlight: 1, now: () => clock },
    );
    const first = coalescer.submit('a', 'p', batch(['1']), 1700);
    const expired = coalescer.submit('a', 'p', batch(['2']), 1500);
    const alive = coalescer.submit('a', 'p', batch(['3']), 2500);
    clock = 1600; // the second delivery's deadline has passed when the first signal returns
    gate.resolve();
    await first;
    await expect(expired).rejects.toBeInstanceOf(SignalDeadlineExpired);
    await alive;
    expect(sent).toEqual(['1', '3']);
  });

  it('keeps the order of events per id when merging (a delete after an update stays after it)', () => {
    const merged = mergeBatches([batch(['1']), batch(['1'], 'delete'), batch(['2'])]);
    expect(merged.map((b) => `${b.action}:${b.items.map((i) => i.id).join(',')}`)).toEqual(['update:1', 'delete:1', 'update:2']);
  });
});
