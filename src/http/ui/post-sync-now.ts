// POST /app/sync-now — asks the shop workflow for an immediate sync through its `syncNow` update. The
// workflow decides (single-flight and cooldown live there, durable across restarts); we only translate its
// answer. Refusals answer 429 (running, cooldown) or 409 (not live yet) with Retry-After; Temporal
// unreachable answers 503.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { shopWorkflowId } from '../../temporal/workflow-ids.js';
import { syncNowUpdate, type SyncNowResult } from '../../../workflows/messages.js';
import type { AppDeps } from '../deps.js';
import { formatWait, t } from './i18n.js';
import { answer, authenticatePost, fail } from './respond.js';

const UPDATE_DEADLINE_MS = 5000;
const NOT_LIVE_RETRY_SECONDS = 60;

export const postSyncNow =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const auth = authenticatePost(deps, req, res);
    if (!auth) return;
    const { shop: shopToken, lang } = auth.session;
    const tr = t(lang);
    const shop = await deps.stores.shops.findByToken<{ status: string }>(shopToken, { status: 1 });
    if (!shop || shop.status === 'uninstalled') return fail(req, res, 404, lang, 'error.notInstalled');

    let result: SyncNowResult;
    if (shop.status !== 'active') {
      result = { accepted: false, reason: 'not-live', retryAfterSeconds: NOT_LIVE_RETRY_SECONDS };
    } else {
      try {
        result = await deps.temporal.connection.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
          deps.temporal.workflow.getHandle(shopWorkflowId(shopToken)).executeUpdate(syncNowUpdate),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          result = { accepted: false, reason: 'not-live', retryAfterSeconds: NOT_LIVE_RETRY_SECONDS };
        } else {
          deps.logger.warn({ err: error, shopToken }, 'iframe: sync now could not reach the shop workflow');
          res.set('Retry-After', '30');
          return answer(deps, req, res, auth, 503, { ok: false, tone: 'err', message: tr('syncNow.unavailable') }, 'sync');
        }
      }
    }

    if (result.accepted)
      return answer(deps, req, res, auth, 200, { ok: true, tone: 'ok', accepted: true, message: tr('syncNow.accepted') }, 'sync');
    res.set('Retry-After', String(result.retryAfterSeconds));
    let message = tr(`syncNow.${result.reason}`, { wait: formatWait(tr, result.retryAfterSeconds) });
    // Suspended by the vendor: the vendor's reason is for the owner (what to settle), so it is shown.
    if (result.reason === 'suspended' && result.message) message += ` ${tr('suspended.reason', { reason: result.message })}`;
    const status = result.reason === 'not-live' || result.reason === 'suspended' ? 409 : 429;
    return answer(deps, req, res, auth, status, { ok: false, tone: 'warn', ...result, message }, 'sync');
  };
