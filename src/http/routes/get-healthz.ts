import type { RequestHandler } from 'express';

/** Liveness: the process runs and serves HTTP. Dependencies are /readyz's business. */
export const getHealthz = (): RequestHandler => (_req, res) => {
  res.json({ status: 'ok' });
};
