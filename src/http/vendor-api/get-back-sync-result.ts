// GET /api/vendor/shops/:token/back-sync/:updateId — the result of a write that answered 202 (still running
// when the request's wait ran out), e.g. while Upgates was throttling. 202 again while it still runs.
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { BackSyncResult } from '../../../workflows/messages.js';
import { shopWorkflowId } from '../../temporal/workflow-ids.js';
import type { AppDeps } from '../deps.js';
import { answerError, answerResult } from './back-sync-gateway.js';
import { parseOr400 } from './validation.js';

const params = z.object({
  token: z.string().min(1).max(128),
  updateId: z.string().regex(/^vendor:[a-z-]+:[A-Za-z0-9._:-]{1,100}$/, 'not an update id from this API'),
});
const POLL_WAIT_MS = 2_000;
const GRPC_NOT_FOUND = 5;

export const getBackSyncResult =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const p = parseOr400(res, params, req.params);
    if (!p) return;
    const shop = await deps.stores.shops.findByToken<{ token: string }>(p.token, { token: 1 });
    if (!shop) {
      res.status(404).json({ error: true, message: `Unknown shop ${p.token}` });
      return;
    }
    const action = p.updateId.split(':')[1]!;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), POLL_WAIT_MS);
    try {
      const handle = deps.temporal.workflow.getHandle(shopWorkflowId(p.token)).getUpdateHandle<BackSyncResult>(p.updateId);
      const result = await deps.temporal.connection.withAbortSignal(controller.signal, () => handle.result());
      answerResult(res, action, p.updateId, result);
    } catch (error) {
      if (controller.signal.aborted) {
        res.status(202).json({ accepted: true, action, updateId: p.updateId, status: 'running' });
      } else if (error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND)) {
        res.status(404).json({ error: true, message: `No update ${p.updateId} in the current run of shop ${p.token}` });
      } else answerError(deps, res, p.token, error, false);
    } finally {
      clearTimeout(timer);
    }
  };
