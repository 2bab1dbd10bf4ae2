// Services for one benchmark run: a Temporal dev server (no UI) and FerretDB on free loopback ports in a
// temporary data dir, the workflow bundle built once (for workers in this process), the compiled worker for
// worker child processes (compiled-worker.ts), and a Config factory giving every benchmark its own database
// and task queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config.js';
import { startFerretDb, type FerretDbServer } from '../../src/local/ferretdb-server.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/local/temporal-dev-server.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { ensureCompiledWorker, type CompiledWorker } from './compiled-worker.js';

export interface BenchServices {
  dataDir: string;
  temporal: TemporalDevServer;
  ferret: FerretDbServer;
  bundle: WorkflowBundleWithSourceMap;
  /** The compiled worker child and the prebuilt bundle it loads (`workflowBundle: { codePath }`). */
  worker: CompiledWorker;
  /** Environment for a Config (and for child processes, which load it through src/config.ts). */
  env(name: string, overrides?: Record<string, string>): Record<string, string>;
  /** A fresh database and task queue: the env (for child processes) and the Config loaded from it. */
  setup(name: string, overrides?: Record<string, string>): { env: Record<string, string>; config: Config };
  /** A log file in the data dir (kept only for the run). */
  logFile(name: string): string;
  stop(): Promise<void>;
}

export async function startServices(log: (line: string) => void): Promise<BenchServices> {
  const dataDir = mkdtempSync(join(tmpdir(), 'upgates-bench-'));
  const started = Date.now();
  const worker = ensureCompiledWorker(log);
  const [temporal, ferret, bundle] = await Promise.all([
    startTemporalDevServer({ dataDir, ui: false }),
    startFerretDb({ dataDir, database: 'bench' }),
    bundleWorkflows(),
  ]);
  log(`services ready in ${Date.now() - started} ms (Temporal ${temporal.address}, FerretDB ${ferret.uri}, data ${dataDir})`);
  const env = (name: string, overrides: Record<string, string> = {}) => {
    const suffix = `${name}_${randomBytes(3).toString('hex')}`;
    return {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'error',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: `bench-${suffix}`,
      MONGODB_URI: ferret.uri.replace(/\/([^/?]+)(\?|$)/, `/b_${suffix}$2`),
      ...overrides,
    };
  };
  return {
    dataDir,
    temporal,
    ferret,
    bundle,
    worker,
    env,
    setup(name, overrides) {
      const e = env(name, overrides);
      return { env: e, config: loadConfig(e) };
    },
    logFile: (name) => join(dataDir, `${name}.log`),
    async stop() {
      await Promise.allSettled([temporal.stop(), ferret.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
