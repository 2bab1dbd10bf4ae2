// Event deliveries to the vendor's system (workflows/vendor-events.ts). Counters from the worker that posts;
// the failing-shops gauges are read at scrape time from vendor_event_deliveries, so every replica reports the
// same truth (cached 10 s like the fleet gauges). No shop-token label: one series per shop would not scale.
import { Counter, Gauge } from 'prom-client';
import type { Database } from '../db/connection.js';
import { vendorEventDeliveries } from '../db/vendor-event-deliveries.js';
import { metricsRegistry } from './registry.js';

const CACHE_MS = 10_000;

export const vendorEventsAcknowledged = new Counter({
  name: 'vendor_events_delivered_total',
  help: "Events the vendor's endpoint acknowledged with a 2xx (a redelivered batch counts again).",
  registers: [metricsRegistry],
});

export const vendorEventDeliveryFailures = new Counter({
  name: 'vendor_event_delivery_failures_total',
  help: "Failed delivery attempts to VENDOR_EVENTS_URL: 'status' = a non-2xx answer, 'unreachable' = refused, reset or timed out.",
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

let source: Database | undefined;
let cached: { at: number; reading: Promise<{ shops: number; oldest: Date | null } | undefined> } | undefined;

/** Points the gauges at this process's database (the last runtime started wins). */
export function useVendorEventsMetricsSource(db: Database): void {
  source = db;
  cached = undefined;
}

function reading() {
  const now = Date.now();
  if (!source) return Promise.resolve(undefined);
  if (!cached || now - cached.at > CACHE_MS) {
    const db = source;
    cached = {
      at: now,
      reading: vendorEventDeliveries(db.connection)
        .failing()
        .catch(() => undefined),
    };
  }
  return cached.reading;
}

new Gauge({
  name: 'vendor_events_failing_shops',
  help: "Shops whose event deliveries to the vendor's endpoint are failing now (Temporal keeps retrying them).",
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.shops);
  },
});

new Gauge({
  name: 'vendor_events_failing_oldest_seconds',
  help: 'How long the longest-failing shop has been failing its event deliveries (0 when none fails).',
  registers: [metricsRegistry],
  async collect() {
    const r = await reading();
    if (r) this.set(r.oldest ? (Date.now() - r.oldest.getTime()) / 1000 : 0);
  },
});
