// The one way the app reaches a shop workflow from outside: signal-with-start, so the first webhook (or the
// install hand-over, whichever comes first) starts it and every later one signals the running execution.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SearchAttributePair, SignalDefinition } from '@temporalio/common';
import type { Config } from '../config.js';
import { shopSyncWorkflow, type ShopSyncSettings } from '../../workflows/shop-sync.js';
import { shopWorkflowId } from './workflow-ids.js';
import { AddonProfile, ShopToken } from '../../workflows/search-attributes.js';

export function shopSyncSettings(config: Config): ShopSyncSettings {
  return {
    quietMs: config.sync.quietSeconds * 1000,
    maxWaitMs: config.sync.maxWaitSeconds * 1000,
    syncNowCooldownMs: config.sync.syncNowCooldownSeconds * 1000,
    idsPerActivity: 300,
    // 60 pages (6,000 records) per syncPages activity: each costs a workflow task, a shop read and a change claim,
    // and its first page is fetched alone; a retried attempt resumes after its last written page (heartbeat
    // details), so a longer activity loses no work to a crash. At the bench's FerretDB write rate (~1,000 records/s
    // alone) 60 pages take seconds, far inside the 10-minute start-to-close timeout.
    pagesPerActivity: 60,
    reconcilePeriodMs: config.sync.reconcilePeriodSeconds * 1000,
  };
}

export async function signalWithStartShop<Arg>(
  client: Client,
  config: Config,
  shopToken: string,
  profile: string,
  signal: SignalDefinition<[Arg]>,
  signalArg: Arg,
  settings: ShopSyncSettings = shopSyncSettings(config),
): Promise<void> {
  await client.workflow.signalWithStart(shopSyncWorkflow, {
    workflowId: shopWorkflowId(shopToken),
    taskQueue: config.temporal.taskQueue,
    args: [{ shopToken, settings }],
    signal,
    signalArgs: [signalArg] as [Arg],
    typedSearchAttributes: shopSearchAttributes(shopToken, profile),
    staticSummary: `Shop ${shopToken}: webhook-driven sync`,
  });
}

/** Signals a running shop workflow; a shop without one is fine (nothing to stop). */
export async function signalShopIfRunning<Args extends unknown[]>(
  client: Client,
  shopToken: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await client.workflow.getHandle(shopWorkflowId(shopToken)).signal(signal, ...args);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

export function shopSearchAttributes(shopToken: string, profile: string): SearchAttributePair[] {
  return [
    { key: ShopToken, value: shopToken },
    { key: AddonProfile, value: profile },
  ];
}
