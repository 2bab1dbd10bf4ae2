// POST /upgates/uninstall — deactivation. Idempotent: mark the shop uninstalled at once (late webhooks are
// ignored from here on and cannot resurrect anything), drop the credentials, make no API call (Upgates has
// revoked them), and record the uninstall as a durable intent in the same write. uninstall:<token> then stops
// the shop workflow and purges after the retention period. When Temporal is down the intent waits in MongoDB
// and the worker's sweep starts the workflow once Temporal is back (src/temporal/uninstall-sweep.ts); the
// answer is 200 either way, since Upgates ignores it and never calls again.
import express, { type RequestHandler } from 'express';
import { startPendingUninstall } from '../../shops/uninstall-intent.js';
import { withDatabaseDeadline } from '../database-deadline.js';
import { uninstallBodySchema } from '../lifecycle/callback-schemas.js';
import { TEMPORAL_CALL_DEADLINE_MS } from '../lifecycle/temporal-deadline.js';
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
    const { shops } = deps.stores;
    const now = new Date();
    const purgeAfter = new Date(now.getTime() + deps.config.uninstallRetentionSeconds * 1000);
    // Only the first of concurrent or repeated callbacks flips the state; the rest find the intent (if any).
    const pending = await withDatabaseDeadline(deps.db.connection, () => shops.markUninstalled(body.token, now, purgeAfter)).finally(() =>
      deps.webhookShops.forget(body.token),
    ); // late webhooks are ignored from here on, in this process at once
    if (pending) {
      try {
        await startPendingUninstall(deps.temporal, shops, deps.config.temporal.taskQueue, pending, Date.now() + TEMPORAL_CALL_DEADLINE_MS);
      } catch (error) {
        // Recorded durably above: the worker's uninstall sweep starts the workflow when Temporal is back.
        deps.logger.warn({ shopToken: body.token, err: error }, 'uninstall recorded; its workflow starts with the next sweep');
      }
    }
    res.json({ error: false, message: '' });
  },
];
