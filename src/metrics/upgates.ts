// Upgates API metrics. Labels are access (resource:METHOD, ~56 values) and status only: a shop-token label
// would create a series per shop. Per-shop numbers live in the usage ledger (MongoDB), not in Prometheus.
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './registry.js';

export const upgatesApiCalls = new Counter({
  name: 'upgates_api_calls_total',
  help: 'Upgates API requests sent, by access (resource:METHOD) and outcome (HTTP status, "timeout" or "network").',
  labelNames: ['access', 'status'] as const,
  registers: [metricsRegistry],
});

export const upgatesApiLatency = new Histogram({
  name: 'upgates_api_request_duration_seconds',
  help: 'Upgates API request latency from dispatch to full body, excluding time queued for a concurrency slot.',
  labelNames: ['access'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [metricsRegistry],
});

export const upgatesOptionalCallsRefused = new Counter({
  name: 'upgates_api_optional_calls_refused_total',
  help: 'Optional Upgates calls (reconciliation, sync now) refused by the usage guard, by access and reason.',
  labelNames: ['access', 'reason'] as const,
  registers: [metricsRegistry],
});

export const webhookUnknownShapes = new Counter({
  name: 'upgates_webhook_unknown_shapes_total',
  help: 'Webhook deliveries (well-formed JSON) whose family or fields the code does not know; acknowledged with 200.',
  labelNames: ['event'] as const,
  registers: [metricsRegistry],
});
