// The install workflow on the real Temporal dev server with stubbed activities (through @temporalio/testing's
// TestWorkflowEnvironment on the suite's server): the order of its steps and the answer the install callback
// waits for, without Upgates, MongoDB or end-to-end polling. The e2e tests prove the real activities.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InstallActivities } from '../../workflows/activity-types.js';
import { installAnswerUpdate } from '../../workflows/messages.js';
import { bundleWorkflows } from '../../src/temporal/worker.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const run = `iw${Date.now() % 100000}`;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('temporalNamespace'),
  });
  bundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/** Stubs that record each call; `owner` decides how the owner fetch ends. */
function stubs(owner: () => Promise<{ projectName: string | null }>) {
  const calls: string[] = [];
  const installed = { profile: 'emailing', version: 1, mode: 'full' as const };
  const activities: InstallActivities = {
    fetchOwnerAndPairAccount: async () => (calls.push('fetchOwnerAndPairAccount'), owner()),
    markInstallFailed: async ({ message }) => void calls.push(`markInstallFailed:${message}`),
    planInstall: async () => (calls.push('planInstall'), { profile: 'emailing', version: 1, webhookEvents: ['OrderCreated'], installed }),
    registerWebhooks: async ({ events }) => (
      calls.push(`registerWebhooks:${events.join(',')}`),
      { created: 1, reenabled: 0, existing: 0, removed: 0 }
    ),
    syncConversionCodes: async ({ fromVersion, toVersion }) => (
      calls.push(`syncConversionCodes:${fromVersion}->${toVersion}`),
      { added: 0, removed: 0 }
    ),
    markShopActive: async () => void calls.push('markShopActive'),
    handOverToShopWorkflow: async ({ installed: signal }) => void calls.push(`handOverToShopWorkflow:${signal.mode}`),
  };
  return { calls, activities };
}

async function runInstall(taskQueue: string, activities: InstallActivities) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start('installWorkflow', {
      taskQueue,
      workflowId: `install:${taskQueue}`,
      args: [{ shopToken: taskQueue }],
    });
    const answer = await handle.executeUpdate(installAnswerUpdate);
    return { answer, status: await handle.result() };
  });
}

describe('install workflow (stubbed activities)', () => {
  it('answers as soon as the owner was read, then registers webhooks before the hand-over to the shop workflow', async () => {
    const { calls, activities } = stubs(async () => ({ projectName: 'Shop' }));
    const { answer, status } = await runInstall(`${run}-ok`, activities);
    expect(answer).toEqual({ error: false, message: '' });
    expect(status.step).toBe('done');
    expect(calls).toEqual([
      'fetchOwnerAndPairAccount',
      'planInstall',
      'registerWebhooks:OrderCreated',
      'syncConversionCodes:null->1',
      'markShopActive',
      'handOverToShopWorkflow:full',
    ]);
  });

  it('an owner fetch refused for good: the callback gets the message, the shop is marked failed, nothing else runs', async () => {
    const { calls, activities } = stubs(async () => {
      throw ApplicationFailure.nonRetryable('The shop has no company details yet', 'OwnerIncomplete');
    });
    const { answer, status } = await runInstall(`${run}-refused`, activities);
    expect(answer).toEqual({ error: true, message: 'The shop has no company details yet' });
    expect(status.step).toBe('failed');
    expect(calls).toEqual(['fetchOwnerAndPairAccount', 'markInstallFailed:The shop has no company details yet']);
  });
});
