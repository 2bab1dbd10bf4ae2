// The foundation works end to end: a real workflow on the real dev server runs an activity that writes
// through mongoose into FerretDB and reads it back; /healthz and /readyz answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCheckWorkflow } from '../../workflows/health-check.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../helpers/test-config.js';

describe('foundation smoke test', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startRuntime(testConfig('smoke'), { role: 'both' });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('runs a workflow whose activity writes through mongoose and reads it back', async () => {
    const value = `v-${Date.now()}`;
    const result = await runtime.temporal.workflow.execute(healthCheckWorkflow, {
      workflowId: `smoke-${Date.now()}`,
      taskQueue: runtime.config.temporal.taskQueue,
      args: ['smoke-key', value],
    });
    expect(result).toBe(value);
    const stored = await runtime.db.connection.collection('health_checks').findOne({ _id: 'smoke-key' as never });
    expect(stored?.value).toBe(value);
  });

  it('answers /healthz and /readyz with both dependencies up', async () => {
    const health = await fetch(`${runtime.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${runtime.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ temporal: 'up', mongodb: 'up' });
  });
});
