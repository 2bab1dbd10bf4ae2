// Worker factory: registers every workflow (bundled from workflows/index.ts) and the activities built from
// their dependencies. Tests pass a pre-built bundle so webpack runs once per suite.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { tracingWorkerOptions, workflowTracingModule } from '../tracing/temporal.js';
import { activeTracing } from '../tracing/tracing.js';

// From src/ (tsx) the sources; from dist/ (npm start) the compiled file next to this one.
const sourceWorkflows = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
export const workflowsPath = existsSync(sourceWorkflows) ? sourceWorkflows : sourceWorkflows.replace(/\.ts$/, '.js');
/** Written by `npm run build` (dist/workflow-bundle.js); absent when running from the sources. */
export const prebuiltBundlePath = fileURLToPath(new URL('../../workflow-bundle.js', import.meta.url));
/** The same with the tracing interceptors inside (a bundle's interceptors cannot be added at start); used when tracing is on. */
export const prebuiltTracedBundlePath = fileURLToPath(new URL('../../workflow-bundle-traced.js', import.meta.url));

/** `tracing: true` bundles the OpenTelemetry workflow interceptors (src/tracing/workflow-interceptors.ts) too. */
export function bundleWorkflows(options: { tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: quietBundlerLogger,
    ...(options.tracing ? { workflowInterceptorModules: [workflowTracingModule] } : {}),
  });
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { config } = options.deps;
  const tracing = activeTracing();
  const traced = tracingWorkerOptions(tracing);
  const source = workflowSource(options.workflowBundle, tracing !== undefined);
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...source,
    // Tracing on: activity spans, the sink workflow spans leave by, and (from sources) the workflow interceptors.
    ...(traced.sinks ? { sinks: traced.sinks } : {}),
    ...(traced.interceptors
      ? { interceptors: { ...traced.interceptors, ...('workflowsPath' in source ? { workflowModules: [workflowTracingModule] } : {}) } }
      : {}),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
    // Set, not derived: the SDK's default follows the heap limit and drops to ~10 under a capped heap.
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
    // Bounded shutdown: activities get a few seconds to finish, then are cancelled (Temporal retries them).
    shutdownGraceTime: '5 seconds',
    shutdownForceTime: '15 seconds',
  });
}

function workflowSource(given: WorkflowBundleWithSourceMap | undefined, traced: boolean) {
  if (given) return { workflowBundle: given };
  const prebuilt = traced ? prebuiltTracedBundlePath : prebuiltBundlePath;
  if (existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath };
}

const noop = () => undefined;
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: noop,
};
