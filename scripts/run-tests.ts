// `npm test`: makes sure what the tests need is there (Temporal CLI, FerretDB, Debian's Chromium for the
// browser tests; each installed once, idempotently, with progress output), runs every vitest project and
// ends with one summary line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensureFerretDb, ensureTemporalCli } from '../src/local/tool-binaries.js';

const extraArgs = process.argv.slice(2);
process.stderr.write('[test] checking tools...\n');
ensureTemporalCli();
ensureFerretDb();
if (existsSync(new URL('./ensure-chromium.ts', import.meta.url))) {
  const chromium = spawnSync('npx', ['tsx', 'scripts/ensure-chromium.ts'], { stdio: 'inherit' });
  if (chromium.status !== 0) process.exit(chromium.status ?? 1);
}

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest-results.json';
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs],
  {
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + results.numTodoTests;
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a crash or a failing setup counts as a failure
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
