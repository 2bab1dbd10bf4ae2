// Worker factory: registers every workflow (bundled from workflows/index.ts) and the activities built from
// their dependencies. Tests pass a pre-built bundle so webpack runs once per suite.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { ActivityDeps } from '../../activities/deps.js';

// From src/ (tsx) the sources; from dist/ (npm start) the compiled file next to this one.
const sourceWorkflows = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
export const workflowsPath = existsSync(sourceWorkflows) ? sourceWorkflows : sourceWorkflows.replace(/\.ts$/, '.js');
/** Written by `npm run build` (dist/workflow-bundle.js); absent when running from the sources. */
export const prebuiltBundlePath = fileURLToPath(new URL('../../workflow-bundle.js', import.meta.url));

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { config } = options.deps;
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowSource(options.workflowBundle),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
    // Bounded shutdown: activities get a few seconds to finish, then are cancelled (Temporal retries them).
    shutdownGraceTime: '5 seconds',
    shutdownForceTime: '15 seconds',
  });
}

function workflowSource(given: WorkflowBundleWithSourceMap | undefined) {
  if (given) return { workflowBundle: given };
  if (existsSync(prebuiltBundlePath)) return { workflowBundle: { codePath: prebuiltBundlePath } };
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
