// Starts one Temporal dev server and one FerretDB for the whole integration run and stops them after.
// MONGODB_URI / TEMPORAL_ADDRESS in the environment point the tests at services you run yourself instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { loadLocalToolsConfig } from '../src/config.js';
import { startFerretDb, type FerretDbServer } from '../src/local/ferretdb-server.js';
import { startTemporalDevServer, type TemporalDevServer } from '../src/local/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    mongoUri: string;
    servicesDataDir: string;
  }
}

let temporal: TemporalDevServer | undefined;
let ferret: FerretDbServer | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const tools = loadLocalToolsConfig();
  dataDir = mkdtempSync(join(tmpdir(), 'upgates-addon-test-'));
  const started = Date.now();
  process.stderr.write(`[test] starting services in ${dataDir}\n`);
  const [t, f] = await Promise.all([
    tools.externalTemporalAddress ? undefined : startTemporalDevServer({ dataDir, ui: false }),
    tools.externalMongoUri ? undefined : startFerretDb({ dataDir, database: 'upgates_addon_test' }),
  ]);
  temporal = t;
  ferret = f;
  project.provide('temporalAddress', temporal?.address ?? tools.externalTemporalAddress!);
  project.provide('temporalNamespace', temporal?.namespace ?? 'default');
  project.provide('mongoUri', ferret?.uri ?? tools.externalMongoUri!);
  project.provide('servicesDataDir', dataDir);
  process.stderr.write(
    `[test] Temporal ${temporal?.address ?? 'external'}, MongoDB ${ferret?.uri ?? 'external'} ready in ${Date.now() - started} ms\n`,
  );
}

export async function teardown(): Promise<void> {
  await Promise.all([temporal?.stop(), ferret?.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
