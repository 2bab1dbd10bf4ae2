import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';

// Body-parser errors (bad JSON, too large, wrong charset) are the client's fault: answer 4xx, never 5xx.
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res
      .status(status)
      .json({ error: true, message: status >= 500 ? 'Internal error' : String(error.type ?? error.message ?? 'Bad request') });
  };
}
