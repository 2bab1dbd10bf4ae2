import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Stores } from '../db/stores.js';
import type { Logger } from '../logger.js';
import type { CredentialsCipher } from '../security/credentials-cipher.js';
import type { SessionTokens } from '../security/session-token.js';
import type { WebhookUrlKeys } from '../shops/webhook-url-key.js';
import type { PublicKeySource } from '../upgates/public-key.js';
import type { WebhookShopCache } from './webhooks/webhook-shop-cache.js';
import type { UsageLedger } from '../upgates/usage-ledger.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  temporal: Client;
  /** The connection itself, for what concerns it alone: readyz's ping and request deadlines (database-deadline.ts). */
  db: Pick<Database, 'connection' | 'ping'>;
  /** Every read and write of routes goes through these (src/db/stores.ts); no route holds the model set. */
  stores: Stores;
  metrics: Registry;
  publicKeys: PublicKeySource;
  cipher: CredentialsCipher;
  webhookKeys: WebhookUrlKeys;
  /** Shop of a webhook URL key without a query per delivery; install and uninstall forget() what they change. */
  webhookShops: WebhookShopCache;
  sessions: SessionTokens;
  ledger: UsageLedger;
  /** Route groups added by features (iframe UI, vendor API). */
  extraRoutes?: Array<(app: Express, deps: AppDeps) => void>;
}
