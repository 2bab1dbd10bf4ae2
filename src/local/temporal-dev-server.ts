// Starts the Temporal CLI dev server (frontend gRPC + Web UI) with state in a SQLite file, so a restart keeps
// workflows, and with our custom search attributes registered (starting a workflow with an unregistered
// search attribute fails).
import { Connection } from '@temporalio/client';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort, waitFor } from './free-port.js';
import { ensureTemporalCli } from './tool-binaries.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../workflows/search-attributes.js';

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  dbFile: string;
  process: ManagedProcess;
  /** Stops the server and starts it again on the same ports and SQLite file (fault-injection tests). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  dataDir: string;
  port?: number;
  uiPort?: number;
  ui?: boolean;
  namespace?: string;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const binary = ensureTemporalCli();
  const port = options.port ?? (await freePort());
  const ui = options.ui ?? true;
  const uiPort = ui ? (options.uiPort ?? (await freePort())) : undefined;
  const namespace = options.namespace ?? 'default';
  mkdirSync(options.dataDir, { recursive: true });
  const dbFile = join(options.dataDir, 'temporal.sqlite');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
    '--namespace',
    namespace,
    '--log-level',
    'warn',
  ];
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  // A dev server allows more updates in flight than production defaults; we keep Temporal's defaults otherwise.
  const address = `127.0.0.1:${port}`;
  const logFile = join(options.dataDir, 'temporal.log');

  const server: TemporalDevServer = {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    namespace,
    dbFile,
    process: startProcess('temporal', binary, args, logFile),
    async restart() {
      await server.process.stop();
      server.process = startProcess('temporal', binary, args, logFile);
      await waitUntilServing(address, namespace, server.process);
    },
    async stop() {
      await server.process.stop();
    },
  };
  await waitUntilServing(address, namespace, server.process);
  return server;
}

async function waitUntilServing(address: string, namespace: string, proc: ManagedProcess): Promise<void> {
  await waitFor(
    `Temporal dev server at ${address}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`temporal exited with code ${proc.child.exitCode}; see its log`);
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    120_000,
  );
}
