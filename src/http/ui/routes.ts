// The iframe page inside the Upgates admin (issue 8): `GET /app`, `POST /app/settings`, `POST /app/sync-now`.
// Authenticated by the signed session from the open callback, carried in the URL and then in the page
// (never a cookie: third-party iframes lose cookies). See session-auth.ts and security-headers.ts.
import express, { type Express } from 'express';
import type { AppDeps } from '../deps.js';
import { getApp } from './get-app.js';
import { postSettings } from './post-settings.js';
import { postSyncNow } from './post-sync-now.js';
import { securityHeaders } from './security-headers.js';

export function mountUiRoutes(app: Express, deps: AppDeps): void {
  const headers = securityHeaders(deps);
  const bodies = [express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 500 }), express.json({ limit: '32kb' })];
  app.get('/app', ...headers, getApp(deps));
  app.post('/app/settings', ...headers, ...bodies, postSettings(deps));
  app.post('/app/sync-now', ...headers, ...bodies, postSyncNow(deps));
}
