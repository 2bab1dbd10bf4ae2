// POST /upgates/uninstall — deactivation. Idempotent: mark the shop uninstalled at once (late webhooks are
// ignored from here on and cannot resurrect anything), drop the credentials, make no API call (Upgates has
// revoked them), then let uninstall:<token> stop the shop workflow and purge after the retention period.
import express, { type RequestHandler } from 'express';
import { uninstallWorkflow } from '../../../workflows/uninstall.js';
import { uninstallWorkflowId } from '../../temporal/workflow-ids.js';
import { uninstallBodySchema } from '../lifecycle/callback-schemas.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import type { AppDeps } from '../deps.js';

export const postUninstall = (deps: AppDeps): RequestHandler[] => [
  express.json({ limit: '16kb', type: () => true }),
  async (req, res) => {
    const body = await verifyCallback('uninstall', uninstallBodySchema, req, res, {
      ...deps,
      signatureToken: deps.config.upgates.signatureToken,
    });
    if (!body) return;
    const now = new Date();
    const retentionMs = deps.config.uninstallRetentionSeconds * 1000;
    // Only the first of concurrent or repeated callbacks flips the state; the rest are no-ops.
    const result = await deps.db.models.Shop.updateOne(
      { token: body.token, status: { $ne: 'uninstalled' } },
      {
        $set: { status: 'uninstalled', credentials: null, uninstalledAt: now, purgeAfter: new Date(now.getTime() + retentionMs) },
        $inc: { credentialsVersion: 1 },
      },
    );
    if (result.modifiedCount === 0) {
      res.json({ error: false, message: '' });
      return;
    }
    try {
      await deps.temporal.workflow.start(uninstallWorkflow, {
        workflowId: uninstallWorkflowId(body.token),
        taskQueue: deps.config.temporal.taskQueue,
        args: [{ shopToken: body.token, uninstalledAt: now.toISOString(), retentionMs }],
        // A retention timer left from an earlier uninstall belongs to an older installation: replace it.
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        staticSummary: `Uninstall of shop ${body.token}`,
      });
    } catch (error) {
      // The shop is already inactive; the shop workflow stops itself on its next API attempt.
      deps.logger.error({ shopToken: body.token, err: error }, 'could not start the uninstall workflow');
      res.status(503).json({ error: true, message: 'Uninstall recorded; cleanup will be retried' });
      return;
    }
    res.json({ error: false, message: '' });
  },
];
