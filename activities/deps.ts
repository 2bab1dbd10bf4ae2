import type { Client } from '@temporalio/client';
import type { Config } from '../src/config.js';
import type { Stores } from '../src/db/stores.js';
import type { Logger } from '../src/logger.js';
import type { CredentialsCipher } from '../src/security/credentials-cipher.js';
import type { WebhookUrlKeys } from '../src/shops/webhook-url-key.js';
import type { UsageLedger } from '../src/upgates/usage-ledger.js';

/** Everything activities may touch. Built once per worker process and injected (no globals). */
export interface ActivityDeps {
  config: Config;
  /** Every read and write goes through these (src/db/stores.ts); no activity holds the model set. */
  stores: Stores;
  temporal: Client;
  logger: Logger;
  cipher: CredentialsCipher;
  ledger: UsageLedger;
  webhookKeys: WebhookUrlKeys;
  /** Per-request timeout towards Upgates; tests shorten it. */
  upgatesTimeoutMs?: number;
}
