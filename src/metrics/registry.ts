// The process-wide Prometheus registry served at /metrics. Modules register their metrics here instead of
// prom-client's global default registry, so tests can read or reset exactly what this app exposes.
import { Registry } from 'prom-client';

export const metricsRegistry = new Registry();
