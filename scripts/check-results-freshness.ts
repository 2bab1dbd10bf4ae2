// Warns when a results file describes older code than the checkout: each RESULTS file names the commit it
// was made at, and if src/, workflows/ or activities/ changed in a later commit its figures may no longer
// hold. CI prints the warning (it does not fail the build: regenerating needs the long runs), so a stale
// file is visible instead of silently trusted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const RESULTS_FILES = ['test/chaos/RESULTS.md', 'bench/RESULTS.md'];
export const CODE_DIRS = ['src', 'workflows', 'activities'];

/** The commit a results file says it was made at: "commit abc1234" (chaos) or "| commit | abc1234 |" (bench). */
export function recordedCommit(text: string): string | null {
  return /\bcommit\b[\s|]*([0-9a-f]{7,40})\b/i.exec(text)?.[1] ?? null;
}

export interface Freshness {
  file: string;
  commit: string | null;
  /** Commits after `commit` that touch the code directories (newest first); empty when fresh. */
  newerCodeCommits: string[];
  problem?: string;
}

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function checkFreshness(repoDir: string, files = RESULTS_FILES, dirs = CODE_DIRS): Freshness[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(`${repoDir}/${file}`, 'utf8');
    } catch {
      return { file, commit: null, newerCodeCommits: [], problem: 'file missing' };
    }
    const commit = recordedCommit(text);
    if (!commit) return { file, commit, newerCodeCommits: [], problem: 'names no commit' };
    try {
      git(repoDir, ['cat-file', '-e', `${commit}^{commit}`]);
    } catch {
      return { file, commit, newerCodeCommits: [], problem: `commit ${commit} is not in this repository` };
    }
    const log = git(repoDir, ['log', '--format=%h %s', `${commit}..HEAD`, '--', ...dirs]);
    return { file, commit, newerCodeCommits: log ? log.split('\n').map((l) => (l.length > 80 ? `${l.slice(0, 77)}...` : l)) : [] };
  });
}

export function warnings(results: Freshness[], dirs = CODE_DIRS): string[] {
  return results.flatMap((r) => {
    if (r.problem) return [`WARNING: ${r.file}: ${r.problem}; its figures cannot be tied to the code`];
    if (r.newerCodeCommits.length === 0) return [];
    return [
      `WARNING: ${r.file} was made at ${r.commit}, but ${r.newerCodeCommits.length} later commit(s) changed ${dirs.join('/, ')}/ (newest: ${r.newerCodeCommits[0]}); its figures may not describe this code`,
    ];
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const found = warnings(checkFreshness(process.cwd()));
  for (const line of found) console.log(line);
  if (found.length === 0) console.log(`results files are at the current code: ${RESULTS_FILES.join(', ')}`);
}
