// `npm run bench` (quick, a few minutes) or `npm run bench -- --full`: starts its own Temporal dev server and
// FerretDB on free loopback ports, runs every benchmark (a failure is recorded and the next one runs), and
// writes bench/RESULTS.md. `-- --only=ingestion,install` runs a subset (RESULTS.md then holds only those).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServices } from './lib/services.js';
import { machineInfo, renderResults, type BenchResult } from './lib/report.js';
import type { BenchContext } from './lib/context.js';
import { webhookIngestion } from './webhook-ingestion.js';
import { apiEfficiency } from './api-efficiency.js';
import { initialSync } from './initial-sync.js';
import { installLatency } from './install-latency.js';
import { fleet } from './fleet.js';

type Bench = (ctx: BenchContext) => Promise<Omit<BenchResult, 'durationMs'>>;
const BENCHES: Array<{ id: string; title: string; run: Bench }> = [
  { id: 'ingestion', title: '1. Webhook ingestion', run: webhookIngestion },
  { id: 'api', title: '2. API efficiency', run: apiEfficiency },
  { id: 'initial-sync', title: '3. Initial sync', run: initialSync },
  { id: 'install', title: '4. Install latency', run: installLatency },
  { id: 'fleet', title: '5. Fleet', run: fleet },
];

const args = process.argv.slice(2);
const full = args.includes('--full');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
const machine = machineInfo();
log(`mode ${full ? 'full' : 'quick'}; ${machine.cpu}, ${machine.nproc} cores`);

const services = await startServices(log);
const results: BenchResult[] = [];
try {
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.id)) continue;
    log(`${bench.title}...`);
    const t0 = Date.now();
    try {
      const result = await bench.run({ services, full, log: (line) => log(line) });
      results.push({ ...result, durationMs: Date.now() - t0 });
    } catch (error) {
      log(`${bench.title} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results.push({
        id: bench.id,
        title: bench.title,
        setup: [],
        rows: [],
        notes: [],
        error: error instanceof Error ? error.message : String(error),
        durationMs: Date.now() - t0,
      });
    }
    log(`${bench.title} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} finally {
  await services.stop();
}
const out = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
writeFileSync(out, renderResults(full ? 'full' : 'quick', machine, results, Date.now() - started) + '\n');
log(`wrote ${out}`);
// Temporal's native connections keep the event loop alive for a while; the run is over.
process.exit(0);
