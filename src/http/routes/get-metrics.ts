import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Prometheus scrape endpoint; with METRICS_TOKEN set it wants `Authorization: Bearer <token>` (shop counts, error rates are not public). */
export const getMetrics = (deps: Pick<AppDeps, 'metrics'> & { config: Pick<AppDeps['config'], 'metricsToken'> }): RequestHandler => {
  const expected = deps.config.metricsToken ? digest(deps.config.metricsToken) : undefined;
  return async (req, res) => {
    if (expected) {
      const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      // Compare digests so the comparison takes the same time whatever the length of the guess.
      if (!given || !timingSafeEqual(digest(given), expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'metrics need the bearer token (METRICS_TOKEN)' });
        return;
      }
    }
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  };
};
