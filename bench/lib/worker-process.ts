// Starts the bench's worker child (bench/worker-child.ts, compiled: see compiled-worker.ts) in a child process
// and reads its memory from /proc (VmRSS now, VmHWM peak; writing 5 to clear_refs resets the peak, Linux >= 4.0).
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { childProcessEnv } from '../../src/config.js';
import type { CompiledWorker } from './compiled-worker.js';

export interface WorkerTiming {
  upsertMs: number;
  upsertCalls: number;
  upsertRecords: number;
  /** Database commands sent by the worker (driver command monitoring): start time (epoch ms), name, collection
   * and duration (start -> reply) when the reply came. */
  commands: Array<{ at: number; name: string; collection?: string; durationMs?: number }>;
  /** The record store writes in call order: resource, record count, the shared change claim they wrote under
   * (null: the call's own) and when the call ran (epoch ms). */
  batches: Array<{ resource: string; size: number; expectNew: boolean; claimGroup: number | null; startedAt: number; endedAt: number }>;
}

export interface WorkerProcess {
  pid: number;
  /** Current and peak resident set size in MB. */
  memory(): { rssMb: number; peakMb: number };
  resetPeak(): boolean;
  /** Zeroes the write timing, the command counts and the batch list. */
  resetCounters(): void;
  timing(): Promise<WorkerTiming>;
  stop(): Promise<void>;
}

/** `logFile` takes the child's output (the SDK core logs slow workflow tasks at WARN, which is expected under load). */
export async function startWorkerProcess(env: Record<string, string>, compiled: CompiledWorker, logFile: string): Promise<WorkerProcess> {
  const out = openSync(logFile, 'a');
  const child: ChildProcess = fork(compiled.childPath, [compiled.bundlePath], {
    env: childProcessEnv(env),
    execArgv: compiled.execArgv,
    stdio: ['ignore', out, out, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker child did not start within 120 s')), 120_000);
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker child exited with code ${code}`));
    });
  });
  const pid = child.pid!;
  const statusKb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return {
    pid,
    memory: () => ({ rssMb: statusKb('VmRSS') / 1024, peakMb: statusKb('VmHWM') / 1024 }),
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    resetCounters: () => child.send({ type: 'reset' }),
    timing: () =>
      new Promise<WorkerTiming>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('worker child did not answer stats')), 10_000);
        const onMessage = (m: { type: string } & WorkerTiming) => {
          if (m.type !== 'stats') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve({
            upsertMs: m.upsertMs,
            upsertCalls: m.upsertCalls,
            upsertRecords: m.upsertRecords,
            commands: m.commands,
            batches: m.batches,
          });
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
