import type { Express } from 'express';
import type { AppDeps } from '../deps.js';
import { postInstall } from './post-install.js';
import { postOpen } from './post-open.js';
import { postUninstall } from './post-uninstall.js';
import { postVersion } from './post-version.js';
import { postWebhook } from './post-webhook.js';

export function mountUpgatesRoutes(app: Express, deps: AppDeps): void {
  app.post('/upgates/install', ...postInstall(deps));
  app.post('/upgates/open', ...postOpen(deps));
  app.post('/upgates/uninstall', ...postUninstall(deps));
  app.post('/upgates/version', ...postVersion(deps));
  app.post('/upgates/webhooks/:key', ...postWebhook(deps));
}
