// Proves the replay test can fail: a copy of the workflows with a deliberately incompatible shop-sync.ts (a
// timer before the install's first activity, the kind of edit that must ship behind patched()) is bundled
// and replayed against the recorded histories; the shop-sync histories must fail with a nondeterminism error.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, expect, it } from 'vitest';
import { replayAll } from './replay-histories.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Next to workflows/, so the copy's '../src/...' imports resolve to the real src/.
const copyRoot = mkdtempSync(join(ROOT, '.replay-incompatible-'));
afterAll(() => rmSync(copyRoot, { recursive: true, force: true }));

it('an incompatible change to shop-sync.ts fails the replay', async () => {
  const dir = copyRoot;
  cpSync(join(ROOT, 'workflows'), dir, { recursive: true });
  const file = join(dir, 'shop-sync.ts');
  const original = readFileSync(file, 'utf8');
  const anchor = 'const plan = await shortApi.planInitialSync({ shopToken });';
  expect(original).toContain(anchor);
  writeFileSync(file, original.replace(anchor, `await condition(() => false, 1);\n    ${anchor}`));
  const bundle = await bundleWorkflowCode({
    workflowsPath: join(dir, 'index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) },
  });
  const failures = await replayAll(bundle);
  console.log(failures.join('\n'));
  expect(failures.some((f) => f.startsWith('shopSyncWorkflow-') && /nondetermin/i.test(f))).toBe(true);
  expect(failures.every((f) => f.startsWith('shopSyncWorkflow-'))).toBe(true); // install/uninstall unchanged: still replay
}, 180_000);
