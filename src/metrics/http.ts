// HTTP request metrics for every route: the webhook 503 rate and latency alerts and the dashboard read
// these. The route label is Express's route pattern (`/upgates/webhooks/:key`), never the raw path, so a
// webhook key or shop token never becomes a label value (and the series count stays bounded).
import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './registry.js';

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from request arrival to the end of the answer, by method and route pattern.',
  labelNames: ['method', 'route'] as const,
  // Upgates gives webhooks 1 s and lifecycle callbacks 5 s: buckets around both limits.
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 3.5, 5, 10],
  registers: [metricsRegistry],
});

/** Route pattern of a finished request: the matched Express route, or 'unmatched' (404s, static misses). */
function routeLabel(req: Parameters<RequestHandler>[0]): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return 'unmatched';
  return `${req.baseUrl}${route}`;
}

export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      httpRequestDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
}
