// The worker's sweep for uninstalls Temporal did not accept at the time (issue 14.3): at start and then
// periodically, every shop marked uninstalled with a pending intent gets its uninstall workflow.
import type { Client } from '@temporalio/client';
import type { ShopStore } from '../db/shop-store.js';
import type { Logger } from '../logger.js';
import { startPendingUninstall } from '../shops/uninstall-intent.js';

const BATCH = 100;
const START_DEADLINE_MS = 5_000;

export interface UninstallSweep {
  /** One pass; resolves with the number of uninstall workflows started. */
  runOnce(): Promise<number>;
  stop(): void;
}

export function startUninstallSweep(options: {
  temporal: Client;
  shops: Pick<ShopStore, 'pendingUninstalls' | 'clearPendingUninstall'>;
  taskQueue: string;
  logger: Logger;
  periodMs: number;
}): UninstallSweep {
  const { temporal, shops, taskQueue, logger, periodMs } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const pending = await shops.pendingUninstalls(BATCH);
    let started = 0;
    for (const intent of pending) {
      if (stopped) break;
      try {
        await startPendingUninstall(temporal, shops, taskQueue, intent, Date.now() + START_DEADLINE_MS);
        started++;
        logger.info({ shopToken: intent.token }, 'uninstall sweep: started the uninstall workflow of a recorded uninstall');
      } catch (error) {
        logger.warn({ shopToken: intent.token, err: error }, 'uninstall sweep: could not start the uninstall workflow; next pass retries');
        break; // Temporal is likely still down: do not hammer it shop by shop
      }
    }
    return started;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => (running = undefined));
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => logger.warn({ err: error }, 'uninstall sweep failed; next pass retries'))
        .finally(schedule);
    }, periodMs);
    timer.unref();
  }

  runOnce()
    .catch((error: unknown) => logger.warn({ err: error }, 'uninstall sweep failed at start; next pass retries'))
    .finally(schedule);
  return {
    runOnce,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
