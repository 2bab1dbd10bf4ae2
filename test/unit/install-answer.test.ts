// The activation's answer when the Temporal server accepts the start at once but the workers are too busy to
// give the early result in time, and a describe() answers late (the fleet bench on the loaded box): the install
// is held by Temporal, so the owner must hear {"error": false}, not "activate again". Failed before the change
// (update-with-start, whose start was only known from a describe() probe after the deadline: error true).
import { describe, expect, it } from 'vitest';
import { answerInstall, TEMPORARILY_UNAVAILABLE, type InstallAnswerDeps } from '../../src/http/lifecycle/install-answer.js';

const never = () => new Promise<never>(() => undefined);
const late = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DEADLINE_EXCEEDED')), ms));

function busyTemporal(opts: { startFails?: boolean; startHangs?: boolean }) {
  const calls: string[] = [];
  const handle = {
    executeUpdate: () => (calls.push('executeUpdate'), never()),
    describe: () => (calls.push('describe'), late(700)),
  };
  const temporal = {
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
    workflow: {
      start: async () => {
        calls.push('start');
        if (opts.startFails) throw new Error('14 UNAVAILABLE: connection refused');
        if (opts.startHangs) return never(); // the client sleeping between retries of an unreachable server
        return handle;
      },
      // The update-with-start the route used before: the start is accepted but the update never completes in time.
      executeUpdateWithStart: () => {
        calls.push('executeUpdateWithStart');
        return never();
      },
      getHandle: () => handle,
    },
  };
  const logs: string[] = [];
  const logger = { warn: (_o: unknown, m: string) => logs.push(m), error: (_o: unknown, m: string) => logs.push(m) };
  return { deps: { temporal, taskQueue: 'q', logger } as unknown as InstallAnswerDeps, calls, logs };
}

describe('install answer', () => {
  it('is {"error": false} when Temporal accepted the start but the early result is late', async () => {
    const { deps, calls } = busyTemporal({});
    const answer = await answerInstall(deps, 'shop-busy', Date.now() + 300);
    expect(answer).toEqual({ error: false, message: '' });
    expect(calls).toContain('start');
  });

  it('asks the owner to activate again when Temporal did not accept the start', async () => {
    const { deps, logs } = busyTemporal({ startFails: true });
    const answer = await answerInstall(deps, 'shop-down', Date.now() + 300);
    expect(answer).toEqual(TEMPORARILY_UNAVAILABLE);
    expect(logs.join(' ')).toMatch(/could not start the install workflow/);
  });

  it('starts nothing when the steps before it used up the time (the owner hears "try again")', async () => {
    const { deps, calls } = busyTemporal({});
    const answer = await answerInstall(deps, 'shop-late', Date.now() - 1);
    expect(answer).toEqual(TEMPORARILY_UNAVAILABLE);
    expect(calls).toEqual([]);
  });

  it('answers by the deadline when the start is neither confirmed nor refused in time', async () => {
    const { deps } = busyTemporal({ startHangs: true });
    const started = Date.now();
    const answer = await answerInstall(deps, 'shop-unreachable', started + 300);
    expect(answer).toEqual(TEMPORARILY_UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
