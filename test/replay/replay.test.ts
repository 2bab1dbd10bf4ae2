// Deploys that replay: every recorded history (test/replay/histories, from `npm run record-histories`) must
// replay against the current workflow code. A failure means the change would break running shops on deploy:
// ship it behind patched() or as a new workflow type (README "Releasing workflow changes").
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../src/temporal/worker.js';
import { files, replayAll } from './replay-histories.js';

describe('replay of recorded histories', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  }, 120_000);

  it('holds install, shop-sync (with continue-as-new) and uninstall histories', () => {
    for (const type of ['installWorkflow', 'shopSyncWorkflow', 'uninstallWorkflow'])
      expect(files.some((f) => f.startsWith(`${type}-`))).toBe(true);
  });

  it('every history replays against the current workflow code', async () => {
    expect(await replayAll(bundle)).toEqual([]);
  }, 120_000);
});
