// createActivities(deps): every activity the worker registers, built from injected dependencies.
import type { AllActivities } from '../workflows/activity-types.js';
import type { ActivityDeps } from './deps.js';
import { createBackSyncActivities } from './back-sync.js';
import { createConversionCodeActivities } from './conversion-codes.js';
import { createHealthCheckActivities } from './health-check.js';
import { createInstallActivities } from './install.js';
import { createSyncActivities } from './sync-records.js';
import { createShopSyncNoteActivities } from './shop-sync-notes.js';
import { createUninstallActivities } from './uninstall.js';
import { createVersionChangeActivities } from './version-change.js';
import { createVendorEventsActivities } from './vendor-events.js';
import { withVendorEventsNudges } from './vendor-events-nudge.js';
import { createVendorEventsNudger } from '../src/temporal/vendor-events-client.js';
import { createWebhookActivities } from './webhook-registration.js';

export function createActivities(deps: ActivityDeps): AllActivities {
  const activities: AllActivities = {
    ...createInstallActivities(deps),
    ...createWebhookActivities(deps),
    ...createConversionCodeActivities(deps),
    ...createSyncActivities(deps),
    ...createVersionChangeActivities(deps),
    ...createBackSyncActivities(deps),
    ...createShopSyncNoteActivities(deps),
    ...createUninstallActivities(deps),
    ...createHealthCheckActivities(deps),
    ...createVendorEventsActivities(deps),
  };
  // With VENDOR_EVENTS_URL set, the mirror's writers wake the shop's event deliveries (workflows/vendor-events.ts).
  const events = deps.config.vendorEvents;
  if (!events) return activities;
  const nudger = createVendorEventsNudger({
    client: deps.temporal,
    taskQueue: deps.config.temporal.taskQueue,
    config: events,
    logger: deps.logger,
  });
  return withVendorEventsNudges(activities, nudger);
}
