import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { isDatabaseUnavailable } from './database-deadline.js';

// Body-parser errors (bad JSON, too large, wrong charset) are the client's fault: answer 4xx, never 5xx.
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (isDatabaseUnavailable(error)) {
      // The database is down (withDatabaseDeadline): a retryable 503 at once, not a late generic 500.
      logger.warn({ err: error, path: req.path }, 'database unavailable on a request path');
      if (!res.headersSent) res.status(503).set('Retry-After', '30').json({ error: true, message: 'Temporarily unavailable, please retry' });
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res
      .status(status)
      .json({ error: true, message: status >= 500 ? 'Internal error' : String(error.type ?? error.message ?? 'Bad request') });
  };
}
