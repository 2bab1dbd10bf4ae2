// The link from the mirror's writers to vendor-events:<token> (activities/vendor-events-nudge.ts and the
// nudger in src/temporal/vendor-events-client.ts): a nudge after a writing activity returned, none after it
// failed, a failed nudge never fails the activity, and nudges of one shop are coalesced (one in flight).
import type { Client } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { NUDGING_ACTIVITIES, withVendorEventsNudges } from '../../activities/vendor-events-nudge.js';
import { createVendorEventsNudger } from '../../src/temporal/vendor-events-client.js';
import type { AllActivities } from '../../workflows/activity-types.js';

const config = { url: 'http://127.0.0.1:9/e', secret: 's'.repeat(16), timeoutMs: 1000, batchSize: 10, retryMaxMs: 1000, idleCheckMs: 1000 };
const logger = { warn: vi.fn() } as never;
const flush = () => new Promise((r) => setTimeout(r, 10));

function fakeClient(answer: () => Promise<unknown>) {
  const calls: Array<{ workflowId: string }> = [];
  const client = { workflow: { signalWithStart: (_wf: unknown, options: { workflowId: string }) => (calls.push(options), answer()) } };
  return { client: client as unknown as Client, calls };
}

describe('vendor events nudges', () => {
  it('nudges after a writing activity returned, not after it failed, and leaves the others alone', async () => {
    const nudges: string[] = [];
    const base = {
      fetchAndUpsert: async () => ({ fetched: 1, tombstoned: 0 }),
      applyTombstones: async () => {
        throw new Error('database down');
      },
      planInitialSync: async () => ({ resources: [], lookbackDays: 1 }),
    } as unknown as AllActivities;
    const wrapped = withVendorEventsNudges(base, { nudge: (token) => nudges.push(token) });
    await wrapped.fetchAndUpsert({ shopToken: 'a', resource: 'orders', ids: ['1'], priority: 'mandatory' });
    await expect(wrapped.applyTombstones({ shopToken: 'b', resource: 'orders', deletes: [] })).rejects.toThrow('database down');
    await wrapped.planInitialSync({ shopToken: 'c' });
    expect(nudges).toEqual(['a']);
    expect(NUDGING_ACTIVITIES).toEqual(
      expect.arrayContaining([
        'syncPages',
        'syncCodeLists',
        'fetchAndUpsert',
        'applyTombstones',
        'catchUp',
        'drainSpilledPending',
        'retryQuarantined',
      ]),
    );
  });

  it('a failing nudge is logged and swallowed', async () => {
    const { client, calls } = fakeClient(() => Promise.reject(new Error('temporal down')));
    const nudger = createVendorEventsNudger({ client, taskQueue: 'q', config, logger });
    expect(() => nudger.nudge('a')).not.toThrow();
    await flush();
    expect(calls.map((c) => c.workflowId)).toEqual(['vendor-events:a']);
  });

  it('coalesces the nudges of one shop while one is in flight: one more after it, not one each', async () => {
    const releases: Array<() => void> = [];
    const release = () => releases.splice(0).forEach((r) => r());
    const { client, calls } = fakeClient(() => new Promise<void>((r) => releases.push(r)));
    const nudger = createVendorEventsNudger({ client, taskQueue: 'q', config, logger });
    for (let i = 0; i < 10; i++) nudger.nudge('a');
    nudger.nudge('b');
    expect(calls.map((c) => c.workflowId)).toEqual(['vendor-events:a', 'vendor-events:b']);
    release();
    await flush();
    expect(calls.map((c) => c.workflowId)).toEqual(['vendor-events:a', 'vendor-events:b', 'vendor-events:a']);
    release();
    await flush();
    expect(calls).toHaveLength(3);
  });
});
