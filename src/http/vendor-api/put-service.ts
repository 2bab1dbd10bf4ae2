// PUT /api/vendor/shops/:token/service  {"state": "suspended" | "active", "reason"?: string}
// The vendor suspends the add-on's service for a shop (e.g. the client stopped paying) or resumes it.
// The state is stored on the Shop document first, so the lowest layer (activities/shop-context.ts) refuses
// every Upgates call at once; then the shop workflow is told by a signal: it keeps webhook ids (bounded), makes
// no call, shows SyncPhase=suspended, and on resume catches up what changed meanwhile.
// Answers: 200 {shop, state, reason, since} | 400 bad body | 404 unknown or uninstalled shop | 409 still
// installing | 503 Temporal unreachable (the state is stored; repeat the same request to notify the workflow).
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { serviceStateSignal, type ServiceStateSignal } from '../../../workflows/messages.js';
import { activeSuspension, type ServiceField } from '../../shops/service-suspension.js';
import { signalShopIfRunning, signalWithStartShop } from '../../temporal/shop-workflow-client.js';
import type { AppDeps } from '../deps.js';
import { parseOr400 } from './validation.js';

const body = z
  .object({
    state: z.enum(['suspended', 'active']),
    /** Shown to the shop owner in the iframe: say what they can do (e.g. "invoice 2026-114 unpaid"). */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
const params = z.object({ token: z.string().min(1).max(128) });
const SIGNAL_DEADLINE_MS = 3000;

interface ServiceShop extends ServiceField {
  token: string;
  status: string;
  profile: string;
}

export const putService =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    const b = p && parseOr400(res, body, req.body ?? {});
    if (!p || !b) return;
    const { shops } = deps.stores;
    const shop = await shops.findByToken<ServiceShop>(p.token, { token: 1, status: 1, profile: 1, service: 1 });
    if (!shop || shop.status === 'uninstalled') {
      res.status(404).json({ error: true, message: `Unknown or uninstalled shop ${p.token}` });
      return;
    }
    if (shop.status === 'installing') {
      // The install workflow's calls would be refused halfway; suspend once it is installed (a minute or two).
      res
        .status(409)
        .json({ error: true, message: `Shop ${p.token} is still installing; try again in a few minutes. Nothing was changed.` });
      return;
    }
    const now = new Date();
    const current = activeSuspension(shop);
    // Suspending again keeps the first start, so the resume catches up from there; only the reason changes.
    const service =
      b.state === 'suspended'
        ? { state: 'suspended' as const, reason: b.reason ?? null, since: current?.since ?? now }
        : { state: 'active' as const, reason: null, since: current ? now : (shop.service?.since ?? now) };
    if (!(await shops.setServiceState(p.token, service))) {
      res.status(404).json({ error: true, message: `Unknown or uninstalled shop ${p.token}` });
      return;
    }
    const signal: ServiceStateSignal = { state: service.state, reason: service.reason, since: service.since.toISOString() };
    try {
      await deps.temporal.connection.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, async () => {
        // An installed shop always has a shop workflow: start it if it is not running, so it knows.
        if (shop.status === 'active')
          await signalWithStartShop(deps.temporal, deps.config, p.token, shop.profile, serviceStateSignal, signal);
        else await signalShopIfRunning(deps.temporal, p.token, serviceStateSignal, signal);
      });
    } catch (error) {
      deps.logger.warn({ shopToken: p.token, err: error }, 'vendor API: service state stored, shop workflow not reached');
      res
        .status(503)
        .set('Retry-After', '30')
        .json({ error: true, message: `Service state ${service.state} stored; the shop workflow was not reached. Repeat the request.` });
      return;
    }
    deps.logger.info({ shopToken: p.token, state: service.state }, 'vendor API: service state changed');
    res.status(200).json({ shop: p.token, state: service.state, reason: service.reason, since: service.since.toISOString() });
  };
