// The one activity of workflows/vendor-events.ts: read the shop's next page of the change feed after the
// acknowledged position (src/db/change-feed.ts, committed changes only) and POST it signed to the vendor's
// endpoint. Reading and posting in one activity keeps records out of the workflow history; a retry reads
// again from the same position, so it sends the same events (same ids) unless a record changed meanwhile, in
// which case its newer change is sent instead (the older one is superseded, never reordered).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { encodeCursor, type FeedPosition } from '../src/db/change-feed.js';
import { vendorEventsAcknowledged, vendorEventDeliveryFailures } from '../src/metrics/vendor-events.js';
import { RESOURCES } from '../src/upgates/resources.js';
import { postVendorEvents, VendorEventsRejected, type VendorEvent } from '../src/vendor-events/post-events.js';
import type { VendorEventsDeliveryResult } from '../workflows/activity-types.js';
import { vendorEventsFailureSignal, type VendorEventsFailure } from '../workflows/messages.js';
import type { ActivityDeps } from './deps.js';

/** Every resource, as GET /changes without `resources`: an event's cursor works there unchanged. */
const ALL_RESOURCES = [...RESOURCES];

export function createVendorEventsActivities(deps: ActivityDeps) {
  const { shops, changes } = deps.stores;
  const deliveries = deps.stores.vendorEventDeliveries;
  /** Tells the workflow (its query shows it); best effort, the status document has the same. */
  const reportFailure = async (workflowId: string, failure: VendorEventsFailure) => {
    await deps.temporal.connection
      .withDeadline(Date.now() + 2_000, () => deps.temporal.workflow.getHandle(workflowId).signal(vendorEventsFailureSignal, failure))
      .catch(() => undefined);
  };
  return {
    async deliverVendorEvents({
      shopToken,
      after,
    }: {
      shopToken: string;
      after: FeedPosition | null;
    }): Promise<VendorEventsDeliveryResult> {
      const config = deps.config.vendorEvents;
      // Configuration removed while the workflow ran: nothing is posted, the workflow waits (retries) for it.
      if (!config) throw ApplicationFailure.retryable('VENDOR_EVENTS_URL is not set on this worker', 'VendorEventsOff');
      const shop = await shops.findByToken<{ status: string }>(shopToken, { status: 1 });
      if (!shop) return { outcome: 'gone' };
      const uninstalled = shop.status === 'uninstalled';
      let from: FeedPosition = after ?? (await deliveries.status(shopToken))?.acked ?? { s: 0 };
      // The sequence only grows while the shop's data exists; below our position it was erased and begun anew.
      const watermark = await changes.watermark(shopToken);
      if (from.s > watermark) {
        deps.logger.warn(
          { shopToken, from, watermark },
          'vendor events: the change sequence restarted (shop erased); delivering from the start',
        );
        from = { s: 0 };
      }
      const page = await changes.read(shopToken, { resources: ALL_RESOURCES, after: from, limit: config.batchSize });
      if (page.changes.length === 0) {
        if (page.next.s !== from.s || page.next.r !== from.r) await deliveries.noteAcked(shopToken, page.next);
        return { outcome: 'nothing-new', next: page.next, events: 0, hasMore: page.hasMore, uninstalled };
      }
      const events: VendorEvent[] = page.changes.map((change, index) => {
        const position = page.positions[index]!;
        return {
          id: `${shopToken}:${position.s}:${change.resource}:${change.id}`,
          resource: change.resource,
          record_id: change.id,
          change: change.change,
          cursor: encodeCursor(position, ALL_RESOURCES),
        };
      });
      const attempt = Context.current().info.attempt;
      try {
        await postVendorEvents(config, { shop: shopToken, events });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        vendorEventDeliveryFailures.inc({
          reason: error instanceof VendorEventsRejected && error.status !== null ? 'status' : 'unreachable',
        });
        const at = new Date();
        await deliveries.noteFailure(shopToken, message, attempt, at).catch(() => undefined);
        const workflowId = Context.current().info.workflowExecution?.workflowId;
        if (workflowId && (attempt <= 3 || attempt % 30 === 0))
          await reportFailure(workflowId, { error: message, attempt, at: at.toISOString() });
        deps.logger.warn(
          { shopToken, attempt, events: events.length, error: message },
          'vendor events: delivery failed, Temporal retries it',
        );
        throw error;
      }
      vendorEventsAcknowledged.inc(events.length);
      await deliveries.noteDelivered(shopToken, page.next, events.length, new Date());
      return { outcome: 'delivered', next: page.next, events: events.length, hasMore: page.hasMore, uninstalled };
    },
  };
}
