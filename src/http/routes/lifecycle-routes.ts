import type { Express } from 'express';
import type { AppDeps } from '../deps.js';
import { postInstall } from './postInstall.js';
import { postOpen } from './postOpen.js';
import { postUninstall } from './postUninstall.js';
import { postVersion } from './postVersion.js';
import { postWebhook } from './postWebhook.js';

export function mountUpgatesRoutes(app: Express, deps: AppDeps): void {
  app.post('/upgates/install', ...postInstall(deps));
  app.post('/upgates/open', ...postOpen(deps));
  app.post('/upgates/uninstall', ...postUninstall(deps));
  app.post('/upgates/version', ...postVersion(deps));
  app.post('/upgates/webhooks/:key', ...postWebhook(deps));
}
