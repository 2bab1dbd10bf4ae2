// A Temporal worker in its own process, so the benchmark reads its memory (/proc/<pid>/status) apart from
// the sandbox and the API. Same wiring as src/runtime.ts (role 'worker'), except that the record store is
// wrapped to time the database writes (the DB share of an initial sync) and note each write's batch (the
// database floor replays them), and the driver's command monitoring counts database commands. The bench runs
// it compiled (bench/lib/compiled-worker.ts: dist/bench/worker-child.js next to dist/src, the prebuilt
// workflow bundle), like `npm start`. Config comes from the environment through src/config.ts; argv[2] is the
// workflow bundle file. Talks to the parent over IPC:
//   -> {type:'ready'}            when the worker runs
//   <- {type:'reset'}            zeroes the counters, the command log and the batch list
//   <- {type:'stats'}            -> {type:'stats', upsertMs, upsertCalls, upsertRecords, commands, batches}
//   <- {type:'stop'}             shuts the worker down and exits
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connection.js';
import { createRecordStore, type RecordStore } from '../src/db/record-store.js';
import { createStores } from '../src/db/stores.js';
import { createLogger } from '../src/logger.js';
import { createCredentialsCipher } from '../src/security/credentials-cipher.js';
import { createWebhookUrlKeys } from '../src/shops/webhook-url-key.js';
import { createNativeConnection, createTemporalClient } from '../src/temporal/connection.js';
import { installSdkRuntime } from '../src/temporal/sdk-runtime.js';
import { createWorker } from '../src/temporal/worker.js';
import { MongoUsageLedger } from '../src/upgates/usage-ledger.js';
import type { WorkerTiming } from './lib/worker-process.js';

const bundlePath = process.argv[2];
if (!bundlePath || !process.send) throw new Error('usage: worker-child.ts <bundle.js>, started with an IPC channel');

const config = loadConfig();
const logger = createLogger(config.logLevel, 'bench-worker');
const db = await connectDatabase(config.mongodbUri, { monitorCommands: true });
const temporal = await createTemporalClient(config.temporal);
installSdkRuntime('ERROR');
const connection = await createNativeConnection(config.temporal);

const timing = { upsertMs: 0, upsertCalls: 0, upsertRecords: 0 };
/** Database commands (insert, find, update...) with their start time (epoch ms), collection and driver-measured
 * duration (start -> reply, so it includes waiting inside FerretDB), every command this process sends. Recorded
 * here rather than with bench/lib/command-profile.ts's recordCommands: this file is transpiled alone into dist/bench
 * (compiled-worker.ts), so it can import only from src/ (a bench/lib import broke the child). */
let commands: Array<{ at: number; name: string; collection?: string; durationMs?: number }> = [];
const open = new Map<number, (typeof commands)[number]>();
/** Each upsertMany's resource, record count and start/end (epoch ms), in call order. */
let batches: WorkerTiming['batches'] = [];
/** Write calls that shared one change claim (an activity's waves) carry the same group number. */
const claimGroups = new Map<object, number>();
type CommandEvent = { requestId: number; commandName: string; command?: Record<string, unknown>; duration?: number };
db.connection.getClient().on('commandStarted', (event: CommandEvent) => {
  const target = event.command?.[event.commandName];
  const entry = { at: Date.now(), name: event.commandName, ...(typeof target === 'string' ? { collection: target } : {}) };
  commands.push(entry);
  open.set(event.requestId, entry);
});
const finished = (event: CommandEvent) => {
  const entry = open.get(event.requestId);
  open.delete(event.requestId);
  if (entry && typeof event.duration === 'number') entry.durationMs = event.duration;
};
db.connection.getClient().on('commandSucceeded', finished);
db.connection.getClient().on('commandFailed', finished);
const store = createRecordStore(db.models);
const records: RecordStore = {
  ...store,
  async upsertMany(...args: Parameters<RecordStore['upsertMany']>) {
    const shared = args[4]?.changeBatch;
    if (shared && !claimGroups.has(shared)) claimGroups.set(shared, claimGroups.size + 1);
    const batch = {
      resource: args[1],
      size: args[2].length,
      expectNew: args[4]?.expectNew === true,
      claimGroup: shared ? claimGroups.get(shared)! : null,
      startedAt: Date.now(),
      endedAt: 0,
    };
    batches.push(batch);
    const started = performance.now();
    try {
      return await store.upsertMany(...args);
    } finally {
      batch.endedAt = Date.now();
      timing.upsertMs += performance.now() - started;
      timing.upsertCalls++;
      timing.upsertRecords += args[2].length;
    }
  },
};

const worker = await createWorker({
  connection,
  workflowBundle: { codePath: bundlePath } as never,
  deps: {
    config,
    stores: createStores(db, { records }),
    temporal,
    logger,
    cipher: createCredentialsCipher(config.appSecret),
    ledger: new MongoUsageLedger(db.connection),
    webhookKeys: createWebhookUrlKeys(config.appSecret, config.publicUrl),
    upgatesTimeoutMs: 30_000,
  },
});
const done = worker.run();

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    Object.assign(timing, { upsertMs: 0, upsertCalls: 0, upsertRecords: 0 });
    commands = [];
    open.clear();
    batches = [];
  }
  if (message.type === 'stats') process.send!({ type: 'stats', ...timing, commands, batches });
  if (message.type === 'stop') {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  }
});
process.send({ type: 'ready' });
await done.catch((error: unknown) => logger.error({ err: error }, 'worker stopped with an error'));
await Promise.allSettled([connection.close(), temporal.connection.close(), db.close()]);
process.exit(0);
