// Everything that happens to an API request before a route sees it, in Upgates' order as far as it is knowable:
// method override -> call log -> auth (401/403 failed logins) -> moved shop (301 {api_url}, no Location) ->
// privilege (403) -> 429 storm -> concurrency (3 per group, 429) -> tariff counters (429) -> injected faults
// (latency, hang, drop, 5xx, corrupted GET answers) -> JSON body checks (400 non-object, 413 > 100 items).
import express, { type NextFunction, type Request, type Response } from 'express';
import { accessOf, alwaysAllowed } from './access-map.js';
import { type FailedLogins, authenticate } from './auth.js';
import type { SandboxContext } from './context.js';
import { corruptBody, type Faults } from './faults.js';
import { sendError } from './http.js';
import { countRequest, httpDate } from './rate-limit.js';
import type { ApiCallRecord } from './types.js';

const MAX_ITEMS = 100;
const jsonParser = express.json({ strict: false, limit: '20mb', type: () => true });

export function createGate(ctx: SandboxContext, failed: FailedLogins, faults: Faults) {
  return async function gate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const override = req.header('x-http-method-override');
    if (override && req.method === 'POST') req.method = override.toUpperCase();
    const record: ApiCallRecord = {
      shopToken: null,
      method: req.method,
      path: `${req.baseUrl}${req.path}`,
      access: accessOf(req.method, req.path),
      status: 0,
      startedAt: ctx.clock.now(),
      endedAt: 0,
      concurrencyAtStart: 0,
    };
    ctx.calls.push(record);
    // Filled once the request holds a concurrency slot; freed when the response ends or the socket closes.
    const slot: { release?: () => void } = {};
    res.on('close', () => {
      record.endedAt = ctx.clock.now();
      record.status = res.headersSent ? res.statusCode : 0;
      slot.release?.();
    });

    const auth = authenticate(ctx, failed, req);
    if (!auth.ok) {
      if (auth.retryAfterSeconds) res.setHeader('Retry-After', String(auth.retryAfterSeconds));
      return sendError(res, auth.status, auth.message);
    }
    const shop = auth.shop;
    record.shopToken = shop.token;
    res.locals.shop = shop;
    res.locals.apiUser = auth.apiUser;

    if (req.baseUrl !== shop.apiPrefix) {
      // Documented: 301 without Location, the new base URL in the body.
      res.status(301).json({ api_url: shop.apiUrl });
      return;
    }

    // Unknown paths (404) and non-standard methods (405) are left to the router.
    if (!alwaysAllowed(req.path) && record.access && !shop.isGranted(record.access)) {
      return sendError(res, 403, `API access ${record.access} is not granted to this API user.`);
    }

    const now = ctx.clock.now();
    const fault = faults.decide(shop.token, now);
    if (fault.storm) {
      shop.usage.rejected429++;
      res.setHeader('Retry-After', httpDate(now + fault.storm.retryAfterSeconds * 1000));
      return sendError(res, 429, 'Too many requests.');
    }

    if (shop.inFlight >= ctx.options.maxConcurrent) {
      shop.usage.rejected429++;
      record.concurrencyAtStart = shop.inFlight + 1;
      if (ctx.options.concurrency429RetryAfter) res.setHeader('Retry-After', httpDate(now + 1000));
      return sendError(res, 429, `More than ${ctx.options.maxConcurrent} concurrent requests.`);
    }
    shop.inFlight++;
    shop.maxInFlight = Math.max(shop.maxInFlight, shop.inFlight);
    record.concurrencyAtStart = shop.inFlight;
    let released = false;
    slot.release = () => {
      if (!released) {
        released = true;
        shop.inFlight--;
      }
    };

    const count = countRequest(ctx, shop);
    for (const [k, v] of Object.entries(count.headers)) res.setHeader(k, v);
    if (!count.allowed) {
      shop.usage.rejected429++;
      res.setHeader('Retry-After', httpDate(count.retryAt ?? now + 3_600_000));
      return sendError(res, 429, 'API request limit exceeded.');
    }

    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.hang) {
      // Never answer; free the socket only when the client gives up or after the hang timeout.
      const timer = setTimeout(() => req.socket.destroy(), fault.hang.timeoutMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.errorStatus) return sendError(res, fault.errorStatus, 'Internal server error (injected).');
    if (res.destroyed) return;
    if (fault.corruptFields && req.method === 'GET') {
      const fields = fault.corruptFields;
      const json = res.json.bind(res);
      res.json = (body: unknown) => json(res.statusCode < 300 ? corruptBody(structuredClone(body), fields) : body);
    }

    if (req.method === 'PUT' || req.method === 'POST' || req.method === 'DELETE') {
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (!hasBody) {
        req.body = {};
        return next();
      }
      jsonParser(req, res, (err?: unknown) => {
        if (err) return sendError(res, 400, 'Invalid JSON.');
        const body: unknown = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendError(res, 400, 'JSON body must be an object.');
        for (const [key, value] of Object.entries(body)) {
          if (Array.isArray(value) && value.length > MAX_ITEMS)
            return sendError(res, 413, `Too many items in "${key}" (max ${MAX_ITEMS}); nothing was processed.`);
          // Products: also max 100 variants per product.
          if (
            key === 'products' &&
            Array.isArray(value) &&
            value.some(
              (p) => Array.isArray((p as { variants?: unknown[] })?.variants) && (p as { variants: unknown[] }).variants.length > MAX_ITEMS,
            )
          ) {
            return sendError(res, 413, `Too many variants in a product (max ${MAX_ITEMS}); nothing was processed.`);
          }
        }
        next();
      });
      return;
    }
    next();
  };
}
