import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';

/** Prometheus scrape endpoint. */
export const getMetrics =
  (deps: Pick<AppDeps, 'metrics'>): RequestHandler =>
  async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  };
