// Every workflow the worker registers. Deterministic code only (lint enforces it).
export { installWorkflow } from './install.js';
export { shopSyncWorkflow } from './shop-sync.js';
export { uninstallWorkflow } from './uninstall.js';
export { healthCheckWorkflow } from './health-check.js';
export { vendorEventsWorkflow } from './vendor-events.js';
