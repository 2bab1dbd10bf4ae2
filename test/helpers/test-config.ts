// Config for integration tests: the services started by the global setup, a database and a task queue of
// the test file's own, so files never see each other's data or workflows.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';

export function testConfig(name: string, overrides: Record<string, string> = {}): Config {
  const suffix = `${name}_${randomBytes(3).toString('hex')}`;
  const mongoUri = inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_${suffix}$2`);
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: `tq-${suffix}`,
    MONGODB_URI: mongoUri,
    ...overrides,
  });
}
