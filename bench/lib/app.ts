// The app under test in this process (API and/or worker through src/runtime.ts) next to a sandbox, the way
// test/helpers/e2e-env.ts wires them, without vitest.
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { freePort } from '../../src/local/free-port.js';
import { loadConfig } from '../../src/config.js';
import { createPublicKeySource } from '../../src/upgates/public-key.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery, type ShopStatusView } from '../../workflows/messages.js';
import type { BenchServices } from './services.js';
import { until } from './stats.js';

export interface BenchApp {
  sandbox: Sandbox;
  app: Runtime;
  env: Record<string, string>;
  addonUrl: string;
  state(token: string): Promise<ShopStatusView>;
  waitLive(token: string, timeoutMs: number): Promise<ShopStatusView>;
  stop(): Promise<void>;
}

export async function startBenchApp(
  services: BenchServices,
  name: string,
  options: { env?: Record<string, string>; sandbox?: SandboxOptions; role?: 'both' | 'api'; monitorCommands?: boolean } = {},
): Promise<BenchApp> {
  const sandbox = await startSandbox({ timeScale: 0.001, ...options.sandbox });
  const port = await freePort();
  const { env } = services.setup(name, {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    UPGATES_SIGNATURE_TOKEN: sandbox.signatureToken,
    UPGATES_PUBLIC_KEY_URL: sandbox.publicKeyUrl,
    ...options.env,
  });
  // The driver emits command events only when asked at connect time; the URI option reaches the runtime's client.
  const appEnv = options.monitorCommands
    ? { ...env, MONGODB_URI: `${env.MONGODB_URI}${env.MONGODB_URI!.includes('?') ? '&' : '?'}monitorCommands=true` }
    : env;
  const app = await startRuntime(loadConfig(appEnv), {
    role: options.role ?? 'both',
    workflowBundle: services.bundle,
    publicKeys: createPublicKeySource({ url: sandbox.publicKeyUrl, minRefreshIntervalMs: 0 }),
    upgatesTimeoutMs: 30_000,
  });
  const state = (token: string) => app.temporal.workflow.getHandle(shopWorkflowId(token)).query(shopStateQuery);
  return {
    sandbox,
    app,
    env,
    addonUrl: app.url!,
    state,
    waitLive: (token, timeoutMs) =>
      until(`shop ${token} live`, async () => ((await state(token)).phase === 'live' ? state(token) : undefined), timeoutMs, 500),
    async stop() {
      await app.stop();
      await sandbox.stop();
    },
  };
}
