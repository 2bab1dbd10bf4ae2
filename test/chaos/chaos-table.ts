// Collects counted results of the reliability and security suite and prints them as one table, so a reader
// sees figures, not adjectives. Each test file appends rows to test-output/chaos-table.json; the last print
// shows everything collected in the run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface ChaosRow {
  scenario: string;
  tries: number;
  recordsLost: number;
  duplicates: number;
  serverErrors: number;
  secretsFound: number;
  note?: string;
}

const FILE = 'test-output/chaos-table.json';

export function recordChaosRow(row: ChaosRow): void {
  mkdirSync('test-output', { recursive: true });
  const rows: ChaosRow[] = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as ChaosRow[]) : [];
  const others = rows.filter((r) => r.scenario !== row.scenario);
  writeFileSync(FILE, JSON.stringify([...others, row], null, 2));
  printChaosTable([...others, row]);
}

export function printChaosTable(rows: ChaosRow[]): void {
  const header = '| fault or attack | tries | records lost | duplicates | 5xx | secrets found | note |';
  const lines = rows.map((r) => `| ${r.scenario} | ${r.tries} | ${r.recordsLost} | ${r.duplicates} | ${r.serverErrors} | ${r.secretsFound} | ${r.note ?? ''} |`);
  console.log(['', header, '|---|---|---|---|---|---|---|', ...lines, ''].join('\n'));
}
