// A one-activity workflow operators (and the smoke test) run to prove worker, Temporal and MongoDB work together.
import { proxyActivities } from '@temporalio/workflow';
import type { HealthCheckActivities } from './activity-types.js';

const { writeAndReadBack } = proxyActivities<HealthCheckActivities>({ startToCloseTimeout: '30 seconds' });

export async function healthCheckWorkflow(key: string, value: string): Promise<string> {
  return await writeAndReadBack({ key, value });
}
