// Replays every recorded history (test/replay/histories) against a workflow bundle; answers the failures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const DIR = join(import.meta.dirname, 'histories');
export const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

export async function replayAll(workflowBundle: WorkflowBundleWithSourceMap) {
  const histories = files.map((f) => ({
    workflowId: f.replace(/\.json$/, ''),
    history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(DIR, f), 'utf8'))),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories))
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  return failures;
}
