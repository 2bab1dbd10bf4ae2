// The Temporal SDK's native runtime logs every worker state change at INFO to stderr. Route it through a
// WARN-level logger once per process (Runtime.install may only be called once).
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

export function installSdkRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by someone else in this process (e.g. a test helper): keep theirs.
  }
}
