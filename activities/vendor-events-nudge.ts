// The link from the mirror's writers to vendor-events:<token>, without touching the shop workflow: the
// activities that commit writes to the mirror (or end a shop) are wrapped so that, once they returned, the
// shop's delivery workflow is nudged (signal-with-start). The nudge is sent in the background and its failure
// only logged: the write has committed either way, and the delivery workflow's idle check finds it later.
import type { AllActivities } from '../workflows/activity-types.js';
import type { VendorEventsNudger } from '../src/temporal/vendor-events-client.js';

/** Activities after which the change feed may have moved (or the shop ended, which ends the deliveries). */
export const NUDGING_ACTIVITIES = [
  'syncPages',
  'syncCodeLists',
  'fetchAndUpsert',
  'applyTombstones',
  'catchUp',
  'drainSpilledPending',
  'retryQuarantined',
  'noteShopSync',
  'stopShopWorkflow',
  'purgeShopData',
] as const satisfies ReadonlyArray<keyof AllActivities>;

export function withVendorEventsNudges(activities: AllActivities, nudger: VendorEventsNudger): AllActivities {
  const wrapped = { ...activities } as Record<string, unknown>;
  for (const name of NUDGING_ACTIVITIES) {
    const original = activities[name] as (input: { shopToken: string }) => Promise<unknown>;
    wrapped[name] = async (input: { shopToken: string }) => {
      const result = await original(input);
      nudger.nudge(input.shopToken);
      return result;
    };
  }
  return wrapped as unknown as AllActivities;
}
