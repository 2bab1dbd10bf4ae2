// Production entry: `npm start`. Uses external Temporal and MongoDB from the environment.
// APP_ROLE=api | worker | both decides what this process runs.
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(undefined, { defaultEnv: 'production' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, { logger });
  logger.info({ role: config.role, url: runtime.url, temporal: config.temporal.address, taskQueue: config.temporal.taskQueue }, 'started');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
