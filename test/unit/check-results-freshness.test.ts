// The results-freshness check against a real throw-away git repository: a results file made before a change
// to the code is reported, one made after it (or after changes elsewhere only) is not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFreshness, recordedCommit, warnings } from '../../scripts/check-results-freshness.js';

describe('results freshness', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  const commitFile = (path: string, text: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
    git('add', path);
    git('commit', '-q', '-m', `change ${path}`);
    return git('rev-parse', '--short=12', 'HEAD');
  };
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'freshness-'));
    git('init', '-q');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('reads the commit from both file formats', () => {
    expect(recordedCommit('Written by test/chaos/*.test.ts on 2026-01-01, commit 69ae9fa, bounded')).toBe('69ae9fa');
    expect(recordedCommit('| nproc | 2 |\n| commit | d049fb4b7bd6 |\n')).toBe('d049fb4b7bd6');
    expect(recordedCommit('commit unknown')).toBeNull();
  });

  it('warns when src/, workflows/ or activities/ changed after the recorded commit, and only then', () => {
    const made = commitFile('src/a.ts', 'export const a = 1;\n');
    commitFile('RESULTS.md', `results, commit ${made}\n`);
    commitFile('README.md', 'docs only\n');
    expect(warnings(checkFreshness(repo, ['RESULTS.md']))).toEqual([]);

    const change = commitFile('workflows/w.ts', 'export const w = 2;\n');
    const [result] = checkFreshness(repo, ['RESULTS.md']);
    expect(result!.newerCodeCommits).toHaveLength(1);
    expect(result!.newerCodeCommits[0]).toContain(change.slice(0, 7));
    const [warning] = warnings([result!]);
    expect(warning).toMatch(
      /^WARNING: RESULTS\.md was made at [0-9a-f]+, but 1 later commit\(s\) changed src\/, workflows\/, activities\//,
    );

    commitFile('RESULTS.md', `results, commit ${git('rev-parse', '--short', 'HEAD')}\n`);
    expect(warnings(checkFreshness(repo, ['RESULTS.md']))).toEqual([]);
  });

  it('warns when the file names no commit, an unknown one, or is missing', () => {
    commitFile('src/a.ts', 'x\n');
    commitFile('A.md', 'commit unknown\n');
    commitFile('B.md', 'commit 0123456789ab\n');
    const found = warnings(checkFreshness(repo, ['A.md', 'B.md', 'C.md']));
    expect(found).toEqual([
      'WARNING: A.md: names no commit; its figures cannot be tied to the code',
      'WARNING: B.md: commit 0123456789ab is not in this repository; its figures cannot be tied to the code',
      'WARNING: C.md: file missing; its figures cannot be tied to the code',
    ]);
  });
});
