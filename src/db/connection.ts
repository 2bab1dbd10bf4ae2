// One mongoose connection per process. We use createConnection (not the global default) so tests and
// benchmarks can hold several connections to different databases side by side.
import mongoose, { type Connection } from 'mongoose';
import { guardDriverWritesOnClosedSockets } from './driver-closed-socket-guard.js';
import { registerModels, type Models } from './models/index.js';

export interface Database {
  connection: Connection;
  models: Models;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** `monitorCommands`: the driver emits `commandStarted` events (the benchmark counts database commands). */
export async function connectDatabase(uri: string, options: { monitorCommands?: boolean } = {}): Promise<Database> {
  // Without it a database restart can leave this process unable to reach the database for good (see the file).
  guardDriverWritesOnClosedSockets();
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
    // FerretDB (our local MongoDB-compatible store) has no retryable writes; real MongoDB keeps the default.
    retryWrites: false,
    autoIndex: true,
  });
  await connection.asPromise();
  const models = registerModels(connection);
  await Promise.all(Object.values(models).map((model) => model.init()));
  return {
    connection,
    models,
    async ping() {
      try {
        await connection.db?.admin().command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => connection.close(),
  };
}
