// Builds the process: database, Temporal client, the HTTP app and/or the worker, from one Config.
// main.ts (production), dev.ts (local) and the tests all go through here, so they run the same wiring.
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { collectDefaultMetrics } from 'prom-client';
import type { Express } from 'express';
import type { Config } from './config.js';
import { connectDatabase, type Database } from './db/connection.js';
import { createStores, type Stores } from './db/stores.js';
import type { WebhookShopCache } from './http/webhooks/webhook-shop-cache.js';
import type { AppDeps } from './http/deps.js';
import { createLogger, type Logger } from './logger.js';
import { useFleetSource } from './metrics/fleet.js';
import { metricsRegistry } from './metrics/registry.js';
import { useVendorEventsMetricsSource } from './metrics/vendor-events.js';
import { createCredentialsCipher } from './security/credentials-cipher.js';
import { createSessionTokens } from './security/session-token.js';
import { createWebhookUrlKeys } from './shops/webhook-url-key.js';
import { createNativeConnection, createTemporalClient } from './temporal/connection.js';
import { activeTracing, startTracing } from './tracing/tracing.js';
import { startUninstallSweep } from './temporal/uninstall-sweep.js';
import { installSdkRuntime } from './temporal/sdk-runtime.js';
import { createPublicKeySource, type PublicKeySource } from './upgates/public-key.js';
import { MongoUsageLedger } from './upgates/usage-ledger.js';

export interface RuntimeOptions {
  role?: Config['role'];
  workflowBundle?: WorkflowBundleWithSourceMap;
  logger?: Logger;
  /** Tests inject a key source pointed at the sandbox's key. */
  publicKeys?: PublicKeySource;
  extraRoutes?: AppDeps['extraRoutes'];
  upgatesTimeoutMs?: number;
}

export interface Runtime {
  config: Config;
  db: Database;
  /** The stores routes and activities use, composed once from `db` (src/db/stores.ts). */
  stores: Stores;
  temporal: Client;
  app?: Express;
  server?: Server;
  worker?: Worker;
  /** Resolves when the worker stops (after shutdown). */
  workerDone?: Promise<void>;
  url?: string;
  /** The API's webhook shop cache (tests inspect it). */
  webhookShops?: WebhookShopCache;
  stop(): Promise<void>;
}

let defaultMetricsCollected = false;

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const role = options.role ?? config.role;
  const logger = options.logger ?? createLogger(config.logLevel);
  // Before the Temporal client and worker: they add the tracing interceptors when it is on (src/tracing).
  const tracingBefore = activeTracing();
  const tracing = startTracing(config.tracing);
  const db = await connectDatabase(config.mongodbUri);
  const stores = createStores(db, { writePath: config.recordStoreWritePath });
  const temporal = await createTemporalClient(config.temporal);
  const cipher = createCredentialsCipher(config.appSecret);
  const webhookKeys = createWebhookUrlKeys(config.appSecret, config.publicUrl);
  const ledger = new MongoUsageLedger(db.connection);
  useFleetSource({ db, temporal, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue });
  useVendorEventsMetricsSource(db);
  if (!defaultMetricsCollected) {
    collectDefaultMetrics({ register: metricsRegistry });
    defaultMetricsCollected = true;
  }
  const runtime: Runtime = { config, db, stores, temporal, stop: async () => undefined };

  if (role === 'worker' || role === 'both') {
    installSdkRuntime(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN');
    // Loaded for the worker role only: the activities, the Temporal worker package and its bundler.
    const { createWorker } = await import('./temporal/worker.js');
    const connection = await createNativeConnection(config.temporal);
    const worker = await createWorker({
      connection,
      workflowBundle: options.workflowBundle,
      deps: {
        config,
        stores,
        temporal,
        logger,
        cipher,
        ledger,
        webhookKeys,
        upgatesTimeoutMs: options.upgatesTimeoutMs,
      },
    });
    runtime.worker = worker;
    // Uninstalls recorded while Temporal was down get their workflow here (at start, then periodically).
    const sweep = startUninstallSweep({
      temporal,
      shops: stores.shops,
      taskQueue: config.temporal.taskQueue,
      logger,
      periodMs: config.uninstallSweepMs,
    });
    runtime.workerDone = worker
      .run()
      .finally(() => sweep.stop())
      .finally(() => connection.close());
  }

  if (role === 'api' || role === 'both') {
    // Loaded for the API role only: a worker process does not hold Express, the routes and their dependencies.
    const [{ createApp }, { createWebhookShopCache }] = await Promise.all([
      import('./http/app.js'),
      import('./http/webhooks/webhook-shop-cache.js'),
    ]);
    const publicKeys =
      options.publicKeys ??
      createPublicKeySource({
        url: config.upgates.publicKeyUrl,
        ...(config.upgates.publicKeyFile ? { file: config.upgates.publicKeyFile } : {}),
      });
    const webhookShops = createWebhookShopCache(db.models.Shop, { hash: webhookKeys.hash, logger });
    runtime.webhookShops = webhookShops;
    const deps: AppDeps = {
      config,
      logger,
      temporal,
      db,
      stores,
      metrics: metricsRegistry,
      publicKeys,
      cipher,
      webhookKeys,
      webhookShops,
      sessions: createSessionTokens(config.appSecret, config.sessionTtlSeconds),
      ledger,
      extraRoutes: options.extraRoutes,
    };
    const app = createApp(deps);
    runtime.app = app;
    runtime.server = await new Promise<Server>((resolve) => {
      const server = app.listen(config.port, config.listenHost, () => resolve(server));
    });
    const address = runtime.server.address();
    runtime.url = `http://${config.listenHost === '0.0.0.0' ? '127.0.0.1' : config.listenHost}:${typeof address === 'object' && address ? address.port : config.port}`;
  }

  runtime.stop = async () => {
    await new Promise<void>((resolve) => (runtime.server ? runtime.server.close(() => resolve()) : resolve()));
    runtime.server?.closeAllConnections();
    runtime.webhookShops?.stop();
    if (runtime.worker && runtime.worker.getState() === 'RUNNING') runtime.worker.shutdown();
    await runtime.workerDone?.catch(() => undefined);
    await temporal.connection.close().catch(() => undefined);
    await db.close();
    if (tracing && tracing !== tracingBefore) await tracing.shutdown(); // flushes spans not exported yet
  };
  return runtime;
}
