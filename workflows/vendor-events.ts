// vendor-events:<token> — delivers the shop's committed changes to the vendor's system (VENDOR_EVENTS_URL) as
// signed events, in change-sequence order, at least once. A separate workflow so a vendor endpoint that is
// down never holds up shop:<token>: the shop workflow's writing activities only nudge this one
// (activities/vendor-events-nudge.ts), and a nudge that is lost is covered by the idle check.
//
// State is the last acknowledged position of the change feed and counters; the events themselves are read and
// posted inside one activity (deliverVendorEvents), so no record passes through the history. While the
// endpoint fails, Temporal retries that activity with exponential backoff (1 s doubling up to retryMaxMs,
// without limit); the position moves only on a 2xx, so deliveries resume from it when the endpoint is back.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { VendorEventsActivities } from './activity-types.js';
import {
  changesCommittedSignal,
  vendorEventsFailureSignal,
  vendorEventsStatusQuery,
  type ChangeFeedPosition,
  type VendorEventsStatusView,
} from './messages.js';

export interface VendorEventsInput {
  shopToken: string;
  /** Longest backoff between attempts while the endpoint fails. */
  retryMaxMs: number;
  /** A caught-up workflow reads again after this long without a nudge. */
  idleCheckMs: number;
  /** One POST's timeout; the activity may run a minute longer (its database reads). */
  timeoutMs: number;
  /** Carried over continue-as-new; absent on a fresh start (the activity resumes from the stored position). */
  carried?: { acked: ChangeFeedPosition; delivered: number; batches: number; lastDeliveredAt: string | null };
}

/** Keeps histories short even if Temporal never suggests it (each page adds ~6 events). */
const MAX_HISTORY_EVENTS = 5_000;

export async function vendorEventsWorkflow(input: VendorEventsInput): Promise<{ delivered: number; reason: 'uninstalled' | 'erased' }> {
  const { deliverVendorEvents } = proxyActivities<VendorEventsActivities>({
    startToCloseTimeout: input.timeoutMs + 60_000,
    // No maximumAttempts: unlimited, as long as the endpoint fails.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.retryMaxMs },
  });
  const status: VendorEventsStatusView = {
    shopToken: input.shopToken,
    acked: input.carried?.acked ?? null,
    delivered: input.carried?.delivered ?? 0,
    batches: input.carried?.batches ?? 0,
    pendingSince: null,
    lastDeliveredAt: input.carried?.lastDeliveredAt ?? null,
    caughtUp: false,
    failingSince: null,
    lastError: null,
    attempts: 0,
  };
  let nudged = false;
  setHandler(changesCommittedSignal, () => {
    nudged = true;
  });
  setHandler(vendorEventsStatusQuery, () => status);
  setHandler(vendorEventsFailureSignal, (failure) => {
    status.failingSince ??= failure.at;
    status.lastError = failure.error;
    status.attempts = Math.max(status.attempts, failure.attempt);
  });

  for (;;) {
    nudged = false; // a nudge that arrives while the activity runs is kept: read again at once
    status.caughtUp = false;
    status.pendingSince = new Date(Date.now()).toISOString();
    const result = await deliverVendorEvents({ shopToken: input.shopToken, after: status.acked });
    status.pendingSince = null;
    status.failingSince = null;
    status.lastError = null;
    status.attempts = 0;
    if (result.outcome === 'gone') return { delivered: status.delivered, reason: 'erased' };
    status.acked = result.next;
    if (result.outcome === 'delivered') {
      status.delivered += result.events;
      status.batches++;
      status.lastDeliveredAt = new Date(Date.now()).toISOString();
    }
    if (!result.hasMore && result.uninstalled) return { delivered: status.delivered, reason: 'uninstalled' };
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) {
      const { acked, delivered, batches, lastDeliveredAt } = status;
      await continueAsNew<typeof vendorEventsWorkflow>({ ...input, carried: { acked, delivered, batches, lastDeliveredAt } });
    }
    if (result.hasMore) continue;
    status.caughtUp = true;
    await condition(() => nudged, input.idleCheckMs);
  }
}
