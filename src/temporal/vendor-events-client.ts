// Starting and nudging vendor-events:<token> (workflows/vendor-events.ts): signal-with-start, so the first
// committed write of a shop (install, or the first after a run ended at uninstall) starts it and every later
// one wakes the running execution. Nudges are coalesced per shop: at most one in flight per process, and one
// more after it when writes committed meanwhile, so a flood of small writes costs a few signals, not one each.
import type { Client } from '@temporalio/client';
import type { VendorEventsConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { vendorEventsWorkflow, type VendorEventsInput } from '../../workflows/vendor-events.js';
import { changesCommittedSignal } from '../../workflows/messages.js';
import { vendorEventsWorkflowId } from './workflow-ids.js';

export function vendorEventsInput(shopToken: string, config: VendorEventsConfig): VendorEventsInput {
  return { shopToken, retryMaxMs: config.retryMaxMs, idleCheckMs: config.idleCheckMs, timeoutMs: config.timeoutMs };
}

export async function nudgeVendorEvents(client: Client, taskQueue: string, config: VendorEventsConfig, shopToken: string): Promise<void> {
  await client.workflow.signalWithStart(vendorEventsWorkflow, {
    workflowId: vendorEventsWorkflowId(shopToken),
    taskQueue,
    args: [vendorEventsInput(shopToken, config)],
    signal: changesCommittedSignal,
    signalArgs: [],
    staticSummary: `Shop ${shopToken}: events to the vendor's system`,
  });
}

/** Fire-and-forget nudges, coalesced per shop; a failure is logged and dropped (the idle check covers it). */
export function createVendorEventsNudger(options: { client: Client; taskQueue: string; config: VendorEventsConfig; logger: Logger }) {
  const inFlight = new Map<string, { again: boolean }>();
  const send = (shopToken: string): void => {
    const entry = { again: false };
    inFlight.set(shopToken, entry);
    nudgeVendorEvents(options.client, options.taskQueue, options.config, shopToken)
      .catch((error: unknown) =>
        options.logger.warn({ err: error, shopToken }, 'vendor events: nudge failed (the idle check delivers later)'),
      )
      .finally(() => {
        inFlight.delete(shopToken);
        if (entry.again) send(shopToken);
      });
  };
  return {
    nudge(shopToken: string): void {
      const entry = inFlight.get(shopToken);
      if (entry) entry.again = true;
      else send(shopToken);
    },
  };
}
export type VendorEventsNudger = ReturnType<typeof createVendorEventsNudger>;
