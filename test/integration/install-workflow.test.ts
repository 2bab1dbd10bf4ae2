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

async function runInstall(taskQueue: string, activities: InstallActivities, input: { answerBy?: number } = {}) {
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
      args: [{ shopToken: taskQueue, ...input }],
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

  // Found by the 1,000-shop fleet bench: under load the owner fetch outlived its 3 s attempts (a worker busy with
  // other shops), and installs whose callback had already been answered {"error": false} (the route stops
  // waiting at its deadline, Temporal holding the install) ended failed, with nobody left to tell "try again".
  it('an owner fetch that fails transiently after the answer deadline keeps being retried: the install completes', async () => {
    let attempts = 0;
    const { calls, activities } = stubs(async () => {
      if (++attempts <= 3) throw new Error('worker too busy / Upgates timeout');
      return { projectName: 'Shop' };
    });
    const { answer, status } = await runInstall(`${run}-late`, activities, { answerBy: Date.now() - 1 });
    expect(answer).toEqual({ error: false, message: '' });
    expect(status.step).toBe('done');
    expect(calls.filter((c) => c.startsWith('markInstallFailed'))).toEqual([]);
    expect(calls.filter((c) => c === 'fetchOwnerAndPairAccount')).toHaveLength(4);
    expect(calls.at(-1)).toBe('handOverToShopWorkflow:full');
  });

  it('the same transient failures while the callback still waits: it is told to try again, the shop is marked failed', async () => {
    const { calls, activities } = stubs(async () => {
      throw new Error('Upgates timeout');
    });
    const { answer, status } = await runInstall(`${run}-early`, activities, { answerBy: Date.now() + 60_000 });
    expect(answer.error).toBe(true);
    expect(answer.message).toMatch(/try activating the add-on again/);
    expect(status.step).toBe('failed');
    expect(calls.filter((c) => c === 'fetchOwnerAndPairAccount')).toHaveLength(3);
  });
});
