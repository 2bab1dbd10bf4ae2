// CPU time used by this process and the service processes during one phase of a benchmark, to name the
// bottleneck with a measurement: on a 2-core box the app, the load generator (same process), the Temporal dev
// server and FerretDB share the cores, so "cores busy" per process and the load average say who had them.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processCpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime + stime
  } catch {
    return NaN;
  }
}

/** Linux pressure stall totals (µs): time some runnable task waited for a CPU / for I/O. */
function pressureTotals(): { cpu: number; io: number } {
  const some = (kind: string) => {
    try {
      return Number(/some .*total=(\d+)/.exec(readFileSync(`/proc/pressure/${kind}`, 'utf8'))?.[1] ?? NaN);
    } catch {
      return NaN;
    }
  };
  return { cpu: some('cpu'), io: some('io') };
}

export interface CpuPhase {
  /** Cores busy on average during the phase, per process name. */
  cores: Record<string, number>;
  /** 1-minute load average at the end of the phase (every process on the box, other engineers' included). */
  load: number;
  /** This process's event-loop delay (p99 and max, ms): how late the app and the load generator ran. */
  loopDelay: { p99: number; max: number };
  /** Share of the phase in which some task on the box waited for a CPU / for I/O (Linux PSI "some"). */
  pressure: { cpu: number; io: number };
}

export function startCpuPhase(pids: Record<string, number | undefined>): () => CpuPhase {
  const started = performance.now();
  const self0 = process.cpuUsage();
  const others0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));
  const pressure0 = pressureTotals();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return () => {
    delay.disable();
    const ms = performance.now() - started;
    const self = process.cpuUsage(self0);
    const cores: Record<string, number> = { 'app + load generator': (self.user + self.system) / 1000 / ms };
    for (const [name, pid] of Object.entries(pids)) cores[name] = (processCpuMs(pid) - others0[name]!) / ms;
    const pressure1 = pressureTotals();
    return {
      cores,
      load: loadavg()[0]!,
      loopDelay: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      pressure: { cpu: (pressure1.cpu - pressure0.cpu) / 1000 / ms, io: (pressure1.io - pressure0.io) / 1000 / ms },
    };
  };
}

export function formatCpu(phase: CpuPhase): string {
  const cores = Object.entries(phase.cores).map(([name, n]) => `${name} ${n.toFixed(2)}`);
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  return [
    `${cores.join(', ')} cores`,
    `load ${phase.load.toFixed(1)}`,
    `CPU pressure ${pct(phase.pressure.cpu)}, I/O pressure ${pct(phase.pressure.io)}`,
    `app event-loop delay p99 / max ${phase.loopDelay.p99.toFixed(0)} / ${phase.loopDelay.max.toFixed(0)} ms`,
  ].join('; ');
}
