// Express app factory: routes take their dependencies, validate with zod and hand off to Temporal.
import express, { type Express } from 'express';
import type { AppDeps } from './deps.js';
import { getHealthz } from './routes/get-healthz.js';
import { getReadyz } from './routes/get-readyz.js';
import { getMetrics } from './routes/get-metrics.js';
import { httpMetrics } from '../metrics/http.js';
import { httpSpans } from '../tracing/http-spans.js';
import { errorHandler } from './error-handler.js';
import { mountUpgatesRoutes } from './routes/lifecycle-routes.js';
import { mountUiRoutes } from './ui/routes.js';
import { mountVendorRoutes } from './vendor-api/routes.js';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetrics());
  app.use(httpSpans()); // a no-op unless tracing is on (src/tracing)
  // Only the configured proxies' X-Forwarded-For counts; `true` would let any client choose its own IP.
  app.set('trust proxy', deps.config.trustProxyHops);
  app.get('/healthz', getHealthz());
  app.get('/readyz', getReadyz(deps));
  app.get('/metrics', getMetrics(deps));
  mountUpgatesRoutes(app, deps);
  mountUiRoutes(app, deps);
  mountVendorRoutes(app, deps);
  for (const mount of deps.extraRoutes ?? []) mount(app, deps);
  app.use(errorHandler(deps.logger));
  return app;
}
