// GET /_sandbox/... JSON views for tests and benchmarks running out of process, plus a few POST controls
// used by the CLI (mutate, install/open/uninstall/version, move). Never shows API keys unless ?secrets=1.
import express, { Router } from 'express';
import type { SandboxContext } from './context.js';
import type { Faults } from './faults.js';
import type { LifecycleDriver } from './lifecycle-driver.js';
import { sendError } from './http.js';
import type { ShopState } from './shop.js';
import type { CreateShopOptions, MutationSpec } from './types.js';
import type { WebhookSender } from './webhook-sender.js';

export interface IntrospectionDeps {
  ctx: SandboxContext;
  sender: WebhookSender;
  lifecycle: LifecycleDriver;
  faults: Faults;
  createShop: (o: CreateShopOptions) => ShopState;
}

const DATA_KEYS = [
  'orders',
  'products',
  'customers',
  'categories',
  'orderStatuses',
  'shipments',
  'payments',
  'parameters',
  'languages',
  'owner',
  'config',
  'emailsSent',
] as const;

export function introspectionRoutes({ ctx, sender, lifecycle, faults, createShop }: IntrospectionDeps): Router {
  const r = Router();
  r.use(express.json({ limit: '5mb' }));
  const shopOr404 = (token: string, res: express.Response): ShopState | undefined => {
    const shop = ctx.shops.get(token);
    if (!shop) sendError(res, 404, `Unknown shop ${token}.`);
    return shop;
  };

  r.get('/', (_req, res) => {
    res.json({ url: ctx.url, shops: [...ctx.shops.keys()], options: ctx.options });
  });
  r.get('/shops', (req, res) => {
    res.json({ shops: [...ctx.shops.values()].map((s) => s.summary(req.query.secrets === '1')) });
  });
  r.post('/shops', (req, res) => {
    res.json(createShop((req.body ?? {}) as CreateShopOptions).summary(req.query.secrets === '1'));
  });
  r.get('/shops/:token', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json(shop.summary(req.query.secrets === '1'));
  });
  r.get('/shops/:token/data/:resource', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (!shop) return;
    const key = req.params.resource as (typeof DATA_KEYS)[number];
    if (!DATA_KEYS.includes(key)) return sendError(res, 404, `Unknown resource; one of ${DATA_KEYS.join(', ')}.`);
    res.json({ [key]: shop.data[key] });
  });
  r.get('/shops/:token/webhooks', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json({ webhooks: shop.webhooks });
  });
  r.get('/shops/:token/conversion-codes', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json({ conversion_codes: shop.conversionCodes });
  });
  r.get('/shops/:token/vouchers', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json({ vouchers: shop.vouchers });
  });
  r.get('/shops/:token/usage', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json({ usage: shop.usage, maxConcurrency: shop.maxInFlight, inFlight: shop.inFlight });
  });
  r.post('/shops/:token/mutate', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (shop) res.json(shop.mutate((req.body ?? {}) as MutationSpec));
  });
  r.post('/shops/:token/move', (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (!shop) return;
    shop.setMoved(typeof req.body?.prefix === 'string' ? req.body.prefix : undefined);
    res.json({ apiUrl: shop.apiUrl });
  });
  r.post('/shops/:token/lifecycle/:kind', async (req, res) => {
    const shop = shopOr404(req.params.token, res);
    if (!shop) return;
    const o = (req.body ?? {}) as { addonUrl?: string; version?: number };
    if (typeof o.addonUrl !== 'string') return sendError(res, 400, 'addonUrl is required.');
    const kind = req.params.kind;
    const result =
      kind === 'install'
        ? await lifecycle.install(shop.token, { ...o, addonUrl: o.addonUrl })
        : kind === 'open'
          ? await lifecycle.open(shop.token, { ...o, addonUrl: o.addonUrl })
          : kind === 'uninstall'
            ? await lifecycle.uninstall(shop.token, { ...o, addonUrl: o.addonUrl })
            : kind === 'version'
              ? await lifecycle.versionChange(shop.token, { addonUrl: o.addonUrl, version: Number(o.version ?? shop.version + 1) })
              : undefined;
    if (!result) return sendError(res, 404, 'kind is install, open, uninstall or version.');
    // The install request carries the API key: hide it unless asked.
    const request = req.query.secrets === '1' ? result.request : { ...result.request, apiKey: result.request.apiKey ? '***' : undefined };
    res.json({ ...result, request });
  });
  r.get('/calls', (req, res) => {
    const token = req.query.shop;
    res.json({ calls: token ? ctx.calls.filter((c) => c.shopToken === token) : ctx.calls });
  });
  r.delete('/calls', (_req, res) => {
    ctx.calls.length = 0;
    res.json({ ok: true });
  });
  r.get('/deliveries', (req, res) => {
    const token = req.query.shop;
    res.json({ deliveries: token ? sender.deliveries.filter((d) => d.shopToken === token) : sender.deliveries });
  });
  r.post('/webhooks/flush', async (_req, res) => {
    await sender.flush();
    res.json({ ok: true });
  });
  r.get('/faults', (_req, res) => {
    res.json({ global: faults.get('*') ?? null, shops: Object.fromEntries([...ctx.shops.keys()].map((t) => [t, faults.get(t) ?? null])) });
  });
  r.put('/faults/:target', (req, res) => {
    faults.set(req.params.target, req.body ?? {});
    res.json({ ok: true });
  });
  r.delete('/faults', (_req, res) => {
    faults.clear();
    res.json({ ok: true });
  });
  return r;
}
