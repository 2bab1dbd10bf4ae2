// POST /upgates/webhooks/:key — Upgates waits 1 s and retries every 5 minutes on anything but 200/204.
// Find the shop of the key (from a cache: no database query per delivery, webhooks/webhook-shop-cache.ts),
// validate, hand ids and times to the shop workflow with signal-with-start, and answer 200 only after Temporal
// accepted the signal. Never call Upgates here.
import express, { type RequestHandler } from 'express';
import { webhookSignal } from '../../../workflows/messages.js';
import { isWellFormedWebhookKey } from '../../security/webhook-key.js';
import { webhookUnknownShapes } from '../../metrics/upgates.js';
import { signalWithStartShop } from '../../temporal/shop-workflow-client.js';
import { withDatabaseDeadline } from '../database-deadline.js';
import { parseWebhookBody } from '../webhooks/payload-schemas.js';
import { createSignalCoalescer, type SignalCoalescer } from '../webhooks/signal-coalescer.js';
import type { WebhookShop } from '../webhooks/webhook-shop-cache.js';
import type { AppDeps } from '../deps.js';

// Concurrent deliveries for one shop share one signal-with-start (webhooks/signal-coalescer.ts): one signal per
// request capped throughput at Temporal's signal rate (bench/RESULTS.md). `coalesce: false` sends one signal
// per request, for the benchmark's side-by-side comparison. `signals` is created once per mounted route.
export const postWebhook = (
  deps: AppDeps,
  options: { coalesce?: boolean } = {},
  signals = webhookSignals(deps, options),
): RequestHandler[] => [
  async (req, res, next) => {
    // Every answer, 503 included, must leave in time: Upgates gives a delivery 1 s.
    res.locals.answerBy = Date.now() + SIGNAL_DEADLINE_MS;
    // Reject unknown keys before reading a body of up to a few MB.
    const key = req.params.key;
    if (!isWellFormedWebhookKey(key)) {
      res.status(404).json({ error: true, message: 'Unknown webhook' });
      return;
    }
    let shop;
    try {
      // A cache hit answers at once; a miss reads the Shop document, bounded like every request-path query.
      shop = await withDatabaseDeadline(deps.db.connection, () => deps.webhookShops.lookup(key));
    } catch (error) {
      // Database down: 503 so Upgates redelivers in 5 minutes (a 500 would be retried too, but says "our bug").
      deps.logger.warn({ err: error }, 'shop lookup failed; asking Upgates to retry the webhook');
      res.status(503).json({ error: true, message: 'Temporarily unavailable' });
      return;
    }
    if (!shop) {
      res.status(404).json({ error: true, message: 'Unknown webhook' });
      return;
    }
    res.locals.shop = shop;
    next();
  },
  express.json({ limit: '4mb', type: () => true }),
  async (req, res) => {
    const shop = res.locals.shop as WebhookShop;
    if (shop.status === 'uninstalled') {
      // Late delivery for an uninstalled shop: acknowledge so Upgates stops retrying; start nothing.
      res.status(200).json({ ignored: true });
      return;
    }
    const parsed = parseWebhookBody(req.body, req.query.event);
    if (!parsed.ok) {
      res.status(400).json({ error: true, message: parsed.message });
      return;
    }
    if (parsed.unknownShape) {
      // A 400 would make Upgates retry for 12 h and then deactivate the webhook: acknowledge, count, log the event
      // name only (no record contents). The periodic reconciliation catches the resource up.
      webhookUnknownShapes.inc({ event: parsed.unknownShape.event });
      deps.logger.warn({ shopToken: shop.token, event: parsed.unknownShape.event }, 'webhook delivery of an unknown shape acknowledged');
    }
    if (parsed.batches.length === 0) {
      res.status(200).json({ accepted: 0 });
      return;
    }
    try {
      // A delivery may first wait for the shop's in-flight signal (coalescing), so bound the whole wait too.
      const answerBy = res.locals.answerBy as number;
      await answerWithin(signals.submit(shop.token, shop.profile, parsed.batches, answerBy), answerBy - Date.now());
    } catch (error) {
      deps.logger.warn({ shopToken: shop.token, err: error }, 'Temporal did not accept the webhook signal; asking Upgates to retry');
      res.status(503).json({ error: true, message: 'Temporarily unavailable' });
      return;
    }
    res.status(200).json({ accepted: parsed.records });
  },
];

const SIGNAL_DEADLINE_MS = 700;

/** Rejects after `ms`; the work goes on (a signal accepted late is redelivered by Upgates and deduped). */
function answerWithin(work: Promise<void>, ms: number): Promise<void> {
  if (ms <= 0) {
    work.catch(() => undefined);
    return Promise.reject(new Error('the answer deadline passed before the signal was sent'));
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not accept the signal within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function webhookSignals(deps: AppDeps, options: { coalesce?: boolean }): SignalCoalescer {
  // Bounded: Upgates waits 1 s. With Temporal down the client kept reconnecting for ~18 s per request (measured
  // in test/e2e/shop-sync-temporal-outage.test.ts) while the request, and every one like it, held a socket; now
  // it answers 503 in time. A signal accepted after all is redelivered by Upgates and deduped by the pending set.
  const send: SignalCoalescer['submit'] = (shopToken, profile, batches) =>
    deps.temporal.connection.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      signalWithStartShop(deps.temporal, deps.config, shopToken, profile, webhookSignal, batches),
    );
  return options.coalesce === false
    ? { submit: send, stats: () => ({ waiting: 0, inFlight: 0, limit: Infinity }) }
    : createSignalCoalescer(send, { maxInFlight: deps.config.webhookSignalsInFlight });
}
