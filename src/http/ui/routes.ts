// Mount point of the iframe page (`GET /app`, issue 8). Filled in by the iframe feature.
import type { Express } from 'express';
import type { AppDeps } from '../deps.js';

export function mountUiRoutes(_app: Express, _deps: AppDeps): void {}
