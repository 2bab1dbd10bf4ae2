// /webhooks management (no privilege needed for the endpoint itself; a webhook can only be created for events
// whose data the API user may read). POST/PUT take a single object, not an array.
import { Router } from 'express';
import { RESOURCES, RESOURCE_INFO, type Resource } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { type Json, idList, msg, toBool } from '../coerce.js';
import { sendError, shopOf } from '../http.js';
import type { ShopState } from '../shop.js';
import { isoTime } from '../time.js';
import type { WebhookRecord } from '../types.js';
import { notAllowed } from './common.js';

/** Families Upgates offers (reference §4.1); the ones without a sandbox resource are never granted. */
const EXTRA_FAMILIES = [
  'Labels',
  'Pricelists',
  'Invoices',
  'Availabilities',
  'Shipments',
  'Payments',
  'Languages',
  'Files',
  'ProductParameters',
].filter((f) => !RESOURCES.some((r) => RESOURCE_INFO[r].webhookFamily === f));
const FAMILY_RESOURCE = new Map<string, Resource>(
  RESOURCES.filter((r) => RESOURCE_INFO[r].webhookFamily).map((r) => [RESOURCE_INFO[r].webhookFamily!, r]),
);

export const ALL_EVENTS = [...FAMILY_RESOURCE.keys(), ...EXTRA_FAMILIES].flatMap((f) =>
  ['create', 'update', 'delete'].map((a) => `${f}.${a}`),
);

function eventAllowed(shop: ShopState, event: string): boolean {
  // Families the sandbox does not model (Invoices, Labels, Pricelists, ...) have no grant to check: accepted,
  // as Upgates lists them for every add-on; modelled ones need read access to their data.
  const resource = FAMILY_RESOURCE.get(event.split('.')[0] ?? '');
  return resource === undefined || shop.isGranted(`${resource}:GET`);
}

const view = ({ owner: _owner, ...w }: WebhookRecord): Json => (void _owner, w);

function validUrl(u: unknown): boolean {
  if (typeof u !== 'string') return false;
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

export function webhookRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.route('/webhooks')
    .get((_req, res) => {
      res.json({ webhooks: shopOf(res).webhookList.map(view) });
    })
    .post((req, res) => {
      const shop = shopOf(res);
      const b = req.body as Json;
      if (Array.isArray(b.webhooks)) return sendError(res, 400, 'POST /webhooks takes a single webhook object.');
      if (typeof b.name !== 'string' || b.name === '') return sendError(res, 400, 'name is required.');
      if (!validUrl(b.url)) return sendError(res, 400, 'url must be an absolute http(s) URL.');
      if (typeof b.event !== 'string' || !ALL_EVENTS.includes(b.event)) return sendError(res, 400, 'Unknown event.');
      if (!eventAllowed(shop, b.event)) return sendError(res, 403, `The API user may not access data of ${b.event}.`);
      const w: WebhookRecord = {
        id: ctx.nextWebhookId(),
        active_yn: toBool(b.active_yn) ?? true,
        name: b.name,
        url: b.url as string,
        event: b.event,
        last_success_call: null,
        last_success_call_status: null,
        last_error_call: null,
        last_error_call_status: null,
        creation_time: isoTime(ctx.clock.now()),
        owner: String(res.locals.apiUser),
      };
      shop.webhookList.push(w);
      res.json({ webhook: { id: w.id, active_yn: w.active_yn, name: w.name, url: w.url, event: w.event } });
    })
    .put((req, res) => {
      const shop = shopOf(res);
      const b = req.body as Json;
      const w = shop.webhookList.find((x) => String(x.id) === String(b.id));
      if (b.id === undefined) return sendError(res, 400, 'id is required.');
      if (!w) return sendError(res, 404, 'Webhook not found.');
      if (b.url !== undefined && !validUrl(b.url)) return sendError(res, 400, 'url must be an absolute http(s) URL.');
      if (b.event !== undefined && (typeof b.event !== 'string' || !ALL_EVENTS.includes(b.event)))
        return sendError(res, 400, 'Unknown event.');
      if (typeof b.event === 'string' && !eventAllowed(shop, b.event))
        return sendError(res, 403, `The API user may not access data of ${b.event}.`);
      if (typeof b.name === 'string') w.name = b.name;
      if (typeof b.url === 'string') w.url = b.url;
      if (typeof b.event === 'string') w.event = b.event;
      const active = toBool(b.active_yn);
      if (active !== undefined) {
        if (!active && w.active_yn) ctx.onWebhookGone(w.id);
        w.active_yn = active;
      }
      res.json({ webhook: { id: w.id, active_yn: w.active_yn, name: w.name, url: w.url, event: w.event } });
    })
    .delete((req, res) => {
      const ids = idList(req.query.ids ?? req.query.id);
      if (!ids || ids.length === 0) return sendError(res, 400, 'An id is required.');
      res.json({ webhooks: deleteWebhooks(ctx, shopOf(res), ids) });
    })
    .all(notAllowed);

  r.route('/webhooks/events')
    .get((_req, res) => {
      const shop = shopOf(res);
      res.json({ events: ALL_EVENTS.map((name) => ({ name, allowed_yn: eventAllowed(shop, name) ? '1' : '0' })) });
    })
    .all(notAllowed);

  r.route('/webhooks/:id')
    .get((req, res) => {
      const w = shopOf(res).webhookList.find((x) => String(x.id) === req.params.id);
      if (!w) return sendError(res, 404, 'Webhook not found.');
      res.json({ webhooks: [view(w)] });
    })
    .delete((req, res) => {
      res.json({ webhooks: deleteWebhooks(ctx, shopOf(res), [String(req.params.id)]) });
    })
    .all(notAllowed);
  return r;
}

function deleteWebhooks(ctx: SandboxContext, shop: ShopState, ids: string[]): Json[] {
  const key = ctx.options.webhookDeleteKey;
  return ids.map((id, k) => {
    const w = shop.webhookList.find((x) => String(x.id) === id);
    if (!w) return { id, [key]: false, messages: [msg(`ids[${k}]`, 'id', 'Webhook not found.')] };
    shop.webhookList = shop.webhookList.filter((x) => x !== w);
    ctx.onWebhookGone(w.id);
    return { id, [key]: true, messages: [] };
  });
}
