// Finishing an uninstall (issue 14.3). The callback route records the uninstall in MongoDB first (status,
// credentials gone, `pendingUninstall`), then asks Temporal for uninstall:<token>. When Temporal is down the
// intent stays in MongoDB and the worker's sweep starts the workflow later, so an outage never leaves a shop
// workflow running for an uninstalled shop or a mirror that is never purged.
import type { Client } from '@temporalio/client';
import { uninstallWorkflow } from '../../workflows/uninstall.js';
import type { ShopStore } from '../db/shop-store.js';
import { uninstallWorkflowId } from '../temporal/workflow-ids.js';

export interface PendingUninstall {
  token: string;
  uninstalledAt: Date;
  purgeAfter: Date | null;
}

/** Starts uninstall:<token> for a recorded uninstall and clears its intent. Throws when Temporal refuses. */
export async function startPendingUninstall(
  temporal: Client,
  shops: Pick<ShopStore, 'clearPendingUninstall'>,
  taskQueue: string,
  pending: PendingUninstall,
  deadlineAt: number,
): Promise<void> {
  const retentionMs = Math.max(0, (pending.purgeAfter?.getTime() ?? Date.now()) - Date.now());
  await temporal.connection.withDeadline(deadlineAt, () =>
    temporal.workflow.start(uninstallWorkflow, {
      workflowId: uninstallWorkflowId(pending.token),
      taskQueue,
      args: [{ shopToken: pending.token, uninstalledAt: pending.uninstalledAt.toISOString(), retentionMs }],
      // A retention timer left from an earlier uninstall belongs to an older installation; a second start of
      // this same uninstall (route and sweep racing) is harmless: stopping the shop workflow is idempotent.
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      staticSummary: `Uninstall of shop ${pending.token}`,
    }),
  );
  // Only this uninstall's intent: a reinstall and a new uninstall meanwhile carry another uninstalledAt.
  await shops.clearPendingUninstall(pending.token, pending.uninstalledAt);
}
