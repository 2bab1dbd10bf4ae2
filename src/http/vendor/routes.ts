// Mount point of the vendor REST API (`/api/vendor/...`, issue 7). Filled in by the back-sync feature.
import type { Express } from 'express';
import type { AppDeps } from '../deps.js';

export function mountVendorRoutes(_app: Express, _deps: AppDeps): void {}
