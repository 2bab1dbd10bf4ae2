// Collects counted results of the reliability and security suite and prints them as one table, so a reader
// sees figures, not adjectives. Each test file appends rows to test-output/chaos-table.json; every print
// rewrites test-output/chaos-results.md with everything collected so far. The snapshot README links,
// test/chaos/RESULTS.md, is only replaced on purpose (`npm run chaos:results`), so a test run leaves the source
// tree clean.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * One scenario's counted figures. A column the scenario cannot measure is `null` (printed "n/m", not measured),
 * never a made-up 0.
 */
export interface ChaosRow {
  scenario: string;
  tries: number;
  recordsLost: number | null;
  duplicates: number | null;
  serverErrors: number | null;
  secretsFound: number | null;
  note?: string;
}

const FILE = 'test-output/chaos-table.json';
export const CHAOS_RESULTS_FILE = 'test-output/chaos-results.md';

export function recordChaosRow(row: ChaosRow): void {
  mkdirSync('test-output', { recursive: true });
  const rows: ChaosRow[] = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as ChaosRow[]) : [];
  const others = rows.filter((r) => r.scenario !== row.scenario);
  writeFileSync(FILE, JSON.stringify([...others, row], null, 2));
  printChaosTable([...others, row]);
}

const cell = (n: number | null) => (n === null ? 'n/m' : String(n));

export function printChaosTable(rows: ChaosRow[]): void {
  const header = '| fault or attack | tries | records lost | duplicates | 5xx | secrets found | note |';
  const lines = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.tries} | ${cell(r.recordsLost)} | ${cell(r.duplicates)} | ${cell(r.serverErrors)} | ${cell(r.secretsFound)} | ${r.note ?? ''} |`,
  );
  const table = [header, '|---|---|---|---|---|---|---|', ...lines].join('\n');
  console.log(`\n${table}\n`);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const mode = process.env.CHAOS_LONG ? 'long (`npm run test:chaos`)' : 'bounded (`npm test`)';
  mkdirSync('test-output', { recursive: true });
  writeFileSync(
    CHAOS_RESULTS_FILE,
    `# Reliability and security suite: results\n\nWritten by test/chaos/*.test.ts on ${new Date().toISOString()}, commit ${commit}, ${mode}, on ${cpus().length} cores; copied here by \`npm run chaos:results\`.\nRows come from the tests' own counters; see each test file for how the figure is counted. "n/m": the scenario does not measure that column. "duplicates": records written again with contents already stored (a write counter per record, polled from MongoDB).\n\n${table}\n`,
  );
}
