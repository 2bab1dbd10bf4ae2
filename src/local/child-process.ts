import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { childProcessEnv } from '../config.js';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, for fault-injection tests. */
  kill(): Promise<void>;
}

/** Spawns a long-running server whose output goes to a log file, so test and dev output stays readable. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = childProcessEnv(),
): ManagedProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    async stop(graceMs = 5_000) {
      if (!isAlive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => isAlive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!isAlive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
