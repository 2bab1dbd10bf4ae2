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
import { createWebhookActivities } from './webhook-registration.js';

export function createActivities(deps: ActivityDeps): AllActivities {
  return {
    ...createInstallActivities(deps),
    ...createWebhookActivities(deps),
    ...createConversionCodeActivities(deps),
    ...createSyncActivities(deps),
    ...createVersionChangeActivities(deps),
    ...createBackSyncActivities(deps),
    ...createShopSyncNoteActivities(deps),
    ...createUninstallActivities(deps),
    ...createHealthCheckActivities(deps),
  };
}
