// End-to-end environment: the Upgates sandbox over HTTP, the app (API + worker) on the real Temporal dev
// server and FerretDB from the global setup. One per test file; workflows bundled once per file.
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { freePort } from '../../src/local/free-port.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { createPublicKeySource } from '../../src/upgates/public-key.js';
import type { Logger } from '../../src/logger.js';
import { testConfig } from './test-config.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export const sharedBundle = () => (bundle ??= bundleWorkflows());

export interface E2E {
  sandbox: Sandbox;
  app: Runtime;
  addonUrl: string;
  stop(): Promise<void>;
}

export async function startE2E(
  name: string,
  options: { env?: Record<string, string>; sandbox?: SandboxOptions; role?: 'both' | 'api'; logger?: Logger } = {},
): Promise<E2E> {
  const sandbox = await startSandbox({ timeScale: 0.001, ...options.sandbox });
  const port = await freePort();
  const config = testConfig(name, {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    UPGATES_SIGNATURE_TOKEN: sandbox.signatureToken,
    UPGATES_PUBLIC_KEY_URL: sandbox.publicKeyUrl,
    SYNC_QUIET_SECONDS: '1',
    SYNC_MAX_WAIT_SECONDS: '5',
    SYNC_NOW_COOLDOWN_SECONDS: '30',
    ...options.env,
  });
  const app = await startRuntime(config, {
    role: options.role ?? 'both',
    workflowBundle: await sharedBundle(),
    publicKeys: createPublicKeySource({ url: sandbox.publicKeyUrl, minRefreshIntervalMs: 0 }),
    upgatesTimeoutMs: 5_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    sandbox,
    app,
    addonUrl: app.url!,
    async stop() {
      await app.stop();
      await sandbox.stop();
    },
  };
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits until the shop workflow reports phase 'live' (initial sync done) and returns its state. */
export async function waitShopLive(e2e: E2E, token: string, timeoutMs = 120_000) {
  const { shopStateQuery } = await import('../../workflows/messages.js');
  const { shopWorkflowId } = await import('../../src/temporal/workflow-ids.js');
  return eventually(
    `shop ${token} live`,
    async () => {
      const state = await e2e.app.temporal.workflow.getHandle(shopWorkflowId(token)).query(shopStateQuery);
      return state.phase === 'live' ? state : undefined;
    },
    timeoutMs,
  );
}
