// `npm run record-histories`: records fresh workflow histories for the replay test from a real run against the
// sandbox (test/replay/record-histories.recorder.ts, with the integration project's Temporal + FerretDB setup).
import { spawnSync } from 'node:child_process';

const run = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.config.ts', '--project', 'integration', 'test/replay/record-histories.recorder.ts'],
  { stdio: 'inherit', env: { ...process.env, RECORD_HISTORIES: '1' } },
);
process.exit(run.status ?? 1);
