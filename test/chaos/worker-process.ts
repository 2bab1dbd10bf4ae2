// A worker in a child process (so tests can SIGKILL it or run two), configured like the test's API runtime.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config.js';

export function workerEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    APP_ROLE: 'worker',
    LOG_LEVEL: 'error',
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    MONGODB_URI: config.mongodbUri,
    PUBLIC_URL: config.publicUrl,
    APP_SECRET: config.appSecret,
    SYNC_QUIET_SECONDS: String(config.sync.quietSeconds),
    SYNC_MAX_WAIT_SECONDS: String(config.sync.maxWaitSeconds),
    ...extra,
  };
}

/** `node --import tsx` (not npx), so the pid we signal is the worker itself. */
export function startWorkerProcess(config: Config, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: workerEnv(config, extra),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function killProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
