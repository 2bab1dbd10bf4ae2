// The single path from a vendor request to Upgates: check the shop and its profile here, then hand the
// request to the shop workflow's `backSync` update, which runs it through the `executeBackSync` activity
// one write at a time (debounce, the 3-request cap and the usage ledger hold; credentials stay in the
// activity). The HTTP request waits for the result up to `config.vendorApiWaitMs`; past that it answers
// 202 with the update id, which GET .../back-sync/:updateId resolves later.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { Request, Response } from 'express';
import { backSyncUpdate, type BackSyncRequest, type BackSyncResult } from '../../../workflows/messages.js';
import type { BackSyncActionId } from '../../profiles/back-sync-items.js';
import { getProfile, UnknownProfileError } from '../../profiles/index.js';
import type { AddonProfileName, BackSyncAction, ProfileVersion } from '../../profiles/types.js';
import { requestFingerprint } from '../../db/vendor-idempotency-store.js';
import { activeSuspension, type ServiceField } from '../../shops/service-suspension.js';
import { shopWorkflowId } from '../../temporal/workflow-ids.js';
import type { AppDeps } from '../deps.js';

export interface VendorShop {
  token: string;
  status: string;
  profile: string;
  version: number;
  service?: ServiceField['service'];
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

class StageTimeout extends Error {}

/** Loads the shop and the profile action, or answers 404/409 and returns undefined. */
export async function resolveAction(
  deps: AppDeps,
  req: Request,
  res: Response,
  actionId: BackSyncActionId,
): Promise<{ shop: VendorShop; profile: ProfileVersion; action: BackSyncAction } | undefined> {
  const token = String(req.params.token ?? '');
  const shop = token
    ? await deps.stores.shops.findByToken<VendorShop>(token, { token: 1, status: 1, profile: 1, version: 1, service: 1 })
    : null;
  if (!shop || shop.status === 'uninstalled') {
    res.status(404).json({ error: true, message: `Unknown or uninstalled shop ${token}` });
    return undefined;
  }
  if (shop.status !== 'active') {
    res.status(409).json({ error: true, message: `Shop ${token} is not installed yet (status ${shop.status}); try again later` });
    return undefined;
  }
  const suspension = activeSuspension(shop);
  if (suspension) {
    // No Upgates call while suspended: refused here, before the shop workflow (which would refuse too).
    res.status(409).json({
      error: true,
      message: `Service suspended for shop ${token}${suspension.reason ? ` (${suspension.reason})` : ''}; resume it with PUT /api/vendor/shops/${token}/service first. Nothing was changed.`,
    });
    return undefined;
  }
  let profile: ProfileVersion;
  try {
    profile = getProfile(shop.profile as AddonProfileName, shop.version);
  } catch (error) {
    if (!(error instanceof UnknownProfileError)) throw error;
    res.status(409).json({ error: true, message: error.message });
    return undefined;
  }
  const action = profile.backSync.find((a) => a.id === actionId);
  if (!action) {
    const offered = profile.backSync.map((a) => a.id).join(', ') || 'none';
    res.status(409).json({
      error: true,
      message: `Action ${actionId} is not part of the ${profile.profile} add-on (version ${profile.version}) this shop runs; its actions: ${offered}`,
    });
    return undefined;
  }
  return { shop, profile, action };
}

/** Refuses a request above the action's batch limit with 413 (the vendor splits; we never half-apply). */
export function within413(res: Response, action: BackSyncAction, count: number): boolean {
  if (count <= action.maxBatch) return true;
  res.status(413).json({
    error: true,
    message: `At most ${action.maxBatch} item(s) per request for ${action.id}, got ${count}. Split the request. Nothing was changed.`,
  });
  return false;
}

/** Sends the request through the shop workflow and answers with the per-item results. */
export async function runBackSync(deps: AppDeps, req: Request, res: Response, shop: VendorShop, request: BackSyncRequest): Promise<void> {
  const key = req.get('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    res.status(400).json({ error: true, message: 'Idempotency-Key must be 1-100 characters of A-Z a-z 0-9 . _ : -' });
    return;
  }
  // Temporal deduplicates updates by id within a run only; the activity also keeps the result in MongoDB by
  // this id (vendor-idempotency-store.ts), so a retry after continue-as-new or a restart never writes twice.
  const updateId = `vendor:${request.action}:${key ?? randomUUID()}`;
  if (key !== undefined && (await answeredBefore(deps, res, shop.token, updateId, request))) return;
  const keyed: BackSyncRequest = { ...request, options: { ...request.options, idempotencyKey: updateId } };
  const handle = deps.temporal.workflow.getHandle(shopWorkflowId(shop.token));
  const controller = new AbortController();
  const progress: { stage: 'admit' | 'result' } = { stage: 'admit' };
  const timer = setTimeout(() => controller.abort(new StageTimeout()), deps.config.vendorApiWaitMs);
  try {
    const result = await deps.temporal.connection.withAbortSignal(controller.signal, async () => {
      const update = await handle.startUpdate(backSyncUpdate, { args: [keyed], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
      progress.stage = 'result';
      return update.result();
    });
    answerResult(res, request.action, updateId, result);
  } catch (error) {
    if (controller.signal.aborted && progress.stage === 'result') {
      res.status(202).json({
        accepted: true,
        action: request.action,
        updateId,
        status: 'running',
        poll: `/api/vendor/shops/${encodeURIComponent(shop.token)}/back-sync/${encodeURIComponent(updateId)}`,
      });
      return;
    }
    answerError(deps, res, shop.token, error, controller.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}

/** A retry of a finished write: the stored answer, without Temporal; 422 when the key came with another body. */
async function answeredBefore(
  deps: AppDeps,
  res: Response,
  shopToken: string,
  updateId: string,
  request: BackSyncRequest,
): Promise<boolean> {
  const found = await deps.stores.vendorIdempotency.find(shopToken, updateId);
  if (!found) return false;
  if (found.fingerprint !== requestFingerprint(request.action, request.items)) {
    res.status(422).json({ error: true, message: 'This Idempotency-Key was used with a different request. Nothing was changed.' });
    return true;
  }
  if (found.state !== 'done') return false;
  answerResult(res, request.action, updateId, found.result);
  return true;
}

export function answerResult(res: Response, action: string, updateId: string, result: BackSyncResult): void {
  if (!result.ok && result.results.length === 0) {
    // Refused before any item reached Upgates (profile, settings, shop not live, access revoked).
    res.status(409).json({ ok: false, action, updateId, results: [], message: result.message ?? 'not executed' });
    return;
  }
  // Upgates answered per item: 200 with each item's `*_yn` flag and `messages`; `ok` is false if any failed.
  res
    .status(200)
    .json({ ok: result.ok, action, updateId, results: result.results, ...(result.message ? { message: result.message } : {}) });
}

export function answerError(deps: AppDeps, res: Response, shopToken: string, error: unknown, timedOut: boolean): void {
  if (error instanceof WorkflowNotFoundError) {
    res.status(409).json({ error: true, message: `Shop ${shopToken} has no running sync workflow (not installed or already uninstalled)` });
    return;
  }
  if (error instanceof WorkflowUpdateFailedError) {
    res.status(409).json({ error: true, message: `The shop workflow refused the request: ${error.cause?.message ?? error.message}` });
    return;
  }
  deps.logger.warn({ shopToken, err: error, timedOut }, 'vendor back-sync: Temporal unavailable');
  res.status(503).set('Retry-After', '30').json({ error: true, message: 'Temporarily unavailable; retry with the same Idempotency-Key' });
}
