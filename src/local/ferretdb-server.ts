// Starts FerretDB 1.x with its SQLite backend: the MongoDB wire protocol on loopback, data under a folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort, waitFor } from './free-port.js';
import { ensureFerretDb } from './tool-binaries.js';

export interface FerretDbServer {
  uri: string;
  port: number;
  process: ManagedProcess;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * SQLite pragmas for every database FerretDB opens (its `--sqlite-url` query; FerretDB 1.24 adds its defaults
 * for the ones not given: busy_timeout(10000), journal_mode(wal), auto_vacuum(none), see
 * internal/backends/sqlite/metadata/pool/uri.go). SQLite's own default in WAL mode is synchronous FULL (an
 * fsync per commit).
 */
export const LOCAL_SQLITE_PRAGMAS: readonly string[] = [];

export async function startFerretDb(options: {
  dataDir: string;
  port?: number;
  database?: string;
  /** Replaces LOCAL_SQLITE_PRAGMAS (the benchmark compares settings). */
  sqlitePragmas?: readonly string[];
}): Promise<FerretDbServer> {
  const binary = ensureFerretDb();
  const port = options.port ?? (await freePort());
  const sqliteDir = join(options.dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const pragmas = options.sqlitePragmas ?? LOCAL_SQLITE_PRAGMAS;
  const query = pragmas.map((p) => `_pragma=${encodeURIComponent(p)}`).join('&');
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${sqliteDir}/${query ? `?${query}` : ''}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${sqliteDir}`,
    // The debug HTTP listener defaults to a fixed port (8088); several instances (tests, dev) would collide.
    `--debug-addr=127.0.0.1:${await freePort()}`,
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const logFile = join(options.dataDir, 'ferretdb.log');
  const server: FerretDbServer = {
    uri: `mongodb://127.0.0.1:${port}/${options.database ?? 'upgates_addon'}`,
    port,
    process: startProcess('ferretdb', binary, args, logFile),
    async restart() {
      await server.process.stop();
      server.process = startProcess('ferretdb', binary, args, logFile);
      await waitUntilListening(port, server.process);
    },
    async stop() {
      await server.process.stop();
    },
  };
  await waitUntilListening(port, server.process);
  return server;
}

async function waitUntilListening(port: number, proc: ManagedProcess): Promise<void> {
  await waitFor(`FerretDB on port ${port}`, () => {
    if (proc.child.exitCode !== null) throw new Error(`ferretdb exited with code ${proc.child.exitCode}; see its log`);
    return new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  });
}
