// Assembles the express app: public key, introspection, and the API under `/api/v2` and under moved prefixes
// `/moved/<token>/api/v2` (a moved shop answers 301 at its old base and works at the new one).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { FailedLogins } from './auth.js';
import type { Faults } from './faults.js';
import { createGate } from './gate.js';
import { sendError } from './http.js';
import { type IntrospectionDeps, introspectionRoutes } from './introspection.js';
import { catalogRoutes } from './routes/catalog-lists.js';
import { catalogWriteRoutes } from './routes/catalog-writes.js';
import { conversionCodeRoutes } from './routes/conversion-codes.js';
import { customerRoutes } from './routes/customers.js';
import { orderRoutes } from './routes/orders.js';
import { productRoutes } from './routes/products.js';
import { shopInfoRoutes } from './routes/shop-info.js';
import { voucherRoutes } from './routes/vouchers.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface ServerDeps extends IntrospectionDeps {
  failed: FailedLogins;
  faults: Faults;
  publicKeyPem: string;
}

export function buildApp(deps: ServerDeps): express.Express {
  const { ctx } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get(ctx.options.publicKeyPath, (_req, res) => {
    res.type('application/x-pem-file').send(deps.publicKeyPem);
  });
  app.use('/_sandbox', introspectionRoutes(deps));

  const api = express.Router();
  api.use(createGate(ctx, deps.failed, deps.faults));
  for (const routes of [
    shopInfoRoutes,
    orderRoutes,
    productRoutes,
    customerRoutes,
    catalogWriteRoutes,
    catalogRoutes,
    webhookRoutes,
    conversionCodeRoutes,
    voucherRoutes,
  ]) {
    api.use(routes(ctx));
  }
  api.use((_req: Request, res: Response) => sendError(res, 404, 'Unknown endpoint.'));
  app.use(['/api/v2', '/moved/:movedToken/api/v2'], api);

  app.use((_req: Request, res: Response) => sendError(res, 404, 'Not found.'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    void _next;
    ctx.logger.error({ err }, 'sandbox route failed');
    sendError(res, 500, 'Internal server error.');
  });
  return app;
}
