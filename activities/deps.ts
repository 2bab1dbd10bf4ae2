import type { Client } from '@temporalio/client';
import type { Config } from '../src/config.js';
import type { Database } from '../src/db/connection.js';
import type { RecordStore } from '../src/db/record-store.js';
import type { Logger } from '../src/logger.js';
import type { CredentialsCipher } from '../src/security/credentials-cipher.js';
import type { WebhookUrlKeys } from '../src/shops/webhook-url-key.js';
import type { UsageLedger } from '../src/upgates/usage-ledger.js';

/** Everything activities may touch. Built once per worker process and injected (no globals). */
export interface ActivityDeps {
  config: Config;
  db: Database;
  records: RecordStore;
  temporal: Client;
  logger: Logger;
  cipher: CredentialsCipher;
  ledger: UsageLedger;
  webhookKeys: WebhookUrlKeys;
  /** Per-request timeout towards Upgates; tests shorten it. */
  upgatesTimeoutMs?: number;
}
