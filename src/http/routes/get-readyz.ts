import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { temporalReachable } from '../../temporal/connection.js';

/** Readiness: Temporal and MongoDB reachable, else 503 naming what is down. */
export const getReadyz =
  (deps: Pick<AppDeps, 'temporal' | 'db' | 'config'>): RequestHandler =>
  async (_req, res) => {
    const [temporal, mongodb] = await Promise.all([temporalReachable(deps.temporal, deps.config.temporal.namespace), deps.db.ping()]);
    const down = [!temporal && 'temporal', !mongodb && 'mongodb'].filter(Boolean);
    res
      .status(down.length ? 503 : 200)
      .json({ status: down.length ? 'unavailable' : 'ready', temporal: temporal ? 'up' : 'down', mongodb: mongodb ? 'up' : 'down', down });
  };
