// `npm run dev`: everything on this machine. Starts the Temporal dev server (with Web UI, state in SQLite
// under .data/ so a restart keeps workflows), FerretDB (MongoDB wire protocol, unless MONGODB_URI points at
// a real MongoDB), then the app (API + worker). `npm run dev -- --sandbox` also starts the Upgates sandbox
// with a demo shop that installs the add-on and keeps a gentle stream of changes going, and a demo vendor
// receiver that the app's signed events go to (VENDOR_EVENTS_URL), printing one line per batch.
import { join } from 'node:path';
import { childProcessEnv, loadConfig, loadLocalToolsConfig } from './config.js';
import { startFerretDb, type FerretDbServer } from './local/ferretdb-server.js';
import { acquireDevLock } from './local/dev-lock.js';
import { freePort } from './local/free-port.js';
import { startTemporalDevServer, type TemporalDevServer } from './local/temporal-dev-server.js';
import { createLogger } from './logger.js';
import { startRuntime, type Runtime } from './runtime.js';
import { createPublicKeySource } from './upgates/public-key.js';
import { startDemoSandbox, type DemoSandbox } from './local/demo-sandbox.js';
import { startVendorReceiver, type ReceivedBatch, type VendorReceiver } from '../sandbox/vendor-receiver.js';

const DATA_DIR = join(process.cwd(), '.data');
const say = (message: string) => process.stdout.write(`[dev] ${message}\n`);

async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => void freePort().then(resolve));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

const DEMO_EVENTS_SECRET = 'dev-demo-vendor-events-secret';

/** One line per event batch the demo receiver accepted (redeliveries included). */
function printBatch(batch: ReceivedBatch): void {
  const kinds = new Map<string, number>();
  for (const e of batch.body.events) kinds.set(`${e.resource} ${e.change}`, (kinds.get(`${e.resource} ${e.change}`) ?? 0) + 1);
  const summary = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  say(`events #${batch.n} ${batch.body.shop}: ${batch.body.events.length} (${summary})${batch.lateAck ? ' [acknowledged late]' : ''}`);
}

async function main(): Promise<void> {
  const withSandbox = process.argv.includes('--sandbox');
  const lock = acquireDevLock(join(DATA_DIR, 'dev.pid'));
  if ('heldBy' in lock) {
    say(`npm run dev is already running in this checkout (pid ${lock.heldBy}). Stop it with Ctrl-C in its terminal first.`);
    process.exit(1);
  }
  const tools = loadLocalToolsConfig();
  const stoppers: Array<() => Promise<void>> = [];
  let temporal: TemporalDevServer | undefined;
  let ferret: FerretDbServer | undefined;
  let runtime: Runtime | undefined;
  let sandbox: DemoSandbox | undefined;
  let receiver: VendorReceiver | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => say(`stop failed: ${String(error)}`));
    lock.release();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    if (!tools.externalTemporalAddress) {
      say('starting Temporal dev server (builds the Temporal CLI with Go the first time)...');
      temporal = await startTemporalDevServer({ dataDir: DATA_DIR, port: await portOr(7233), uiPort: await portOr(8233) });
      stoppers.push(() => temporal!.stop());
    }
    if (!tools.externalMongoUri) {
      say('starting FerretDB (MongoDB wire protocol over SQLite)...');
      ferret = await startFerretDb({ dataDir: DATA_DIR, port: await portOr(27017) });
      stoppers.push(() => ferret!.stop());
    }
    const port = await portOr(3000);
    const sandboxPort = withSandbox ? await portOr(4000) : undefined;
    if (withSandbox) {
      receiver = await startVendorReceiver({ secret: DEMO_EVENTS_SECRET, port: await portOr(4100), onBatch: printBatch });
      stoppers.push(() => receiver!.stop());
    }
    const config = loadConfig({
      ...childProcessEnv(),
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...(temporal ? { TEMPORAL_ADDRESS: temporal.address } : {}),
      ...(ferret ? { MONGODB_URI: ferret.uri } : {}),
      ...(withSandbox
        ? {
            UPGATES_PUBLIC_KEY_URL: `http://127.0.0.1:${sandboxPort}/signature/api.signature.pub.key`,
            SYNC_QUIET_SECONDS: '2',
            SYNC_NOW_COOLDOWN_SECONDS: '60',
            VENDOR_EVENTS_URL: receiver!.url,
            VENDOR_EVENTS_SECRET: DEMO_EVENTS_SECRET,
          }
        : {}),
    });
    const logger = createLogger(config.logLevel);
    if (withSandbox) {
      sandbox = await startDemoSandbox({ port: sandboxPort!, signatureToken: config.upgates.signatureToken, log: say });
      stoppers.push(() => sandbox!.stop());
    }
    say('starting the app (API + worker)...');
    runtime = await startRuntime(config, {
      logger,
      ...(withSandbox ? { publicKeys: createPublicKeySource({ url: config.upgates.publicKeyUrl, minRefreshIntervalMs: 1000 }) } : {}),
    });
    stoppers.push(() => runtime!.stop());
    say('ready:');
    say(`  API          ${runtime.url}  (GET /healthz, /readyz, /metrics; POST /upgates/...)`);
    if (temporal?.uiUrl) say(`  Temporal UI  ${temporal.uiUrl}`);
    say(`  Temporal     ${config.temporal.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`);
    say(`  MongoDB      ${config.mongodbUri}`);
    if (sandbox) {
      say(`  Sandbox      ${sandbox.url}  (Upgates simulator; GET /_sandbox/shops)`);
      say(
        `  Events       ${receiver!.url}  (demo vendor receiver; faults: POST ${receiver!.url.replace(/\/events$/, '')}/_faults {"kind":"error","forMs":30000})`,
      );
      await sandbox.installDemoShop(runtime.url!);
    }
    say('Ctrl-C stops everything.');
  } catch (error) {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

void main();
