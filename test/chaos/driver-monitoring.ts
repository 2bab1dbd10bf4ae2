// The driver's own view of the database while FerretDB restarts: heartbeats and server description changes
// of one process's MongoClient, kept in a ring so a test that fails on a database read can print what the
// driver's monitor did (or did not do) before the failure.
import type { Database } from '../../src/db/connection.js';

export function recordDriverMonitoring(db: Database, keep = 60): { lines(): string[] } {
  const ring: string[] = [];
  const push = (line: string) => {
    ring.push(`${new Date().toISOString()} ${line}`);
    if (ring.length > keep) ring.shift();
  };
  const client = db.connection.getClient();
  client.on('serverHeartbeatStarted', (e) => push(`heartbeat started (awaited ${e.awaited})`));
  client.on('serverHeartbeatSucceeded', (e) => push(`heartbeat succeeded in ${e.duration} ms`));
  client.on('serverHeartbeatFailed', (e) => push(`heartbeat failed after ${e.duration} ms: ${e.failure.message}`));
  client.on('serverDescriptionChanged', (e) =>
    push(`server ${e.newDescription.type}${e.newDescription.error ? `: ${e.newDescription.error.message}` : ''}`),
  );
  client.on('connectionPoolCleared', () => push('pool cleared'));
  client.on('connectionClosed', (e) => push(`connection ${e.connectionId} closed (${e.reason})`));
  client.on('connectionCreated', (e) => push(`connection ${e.connectionId} created`));
  return { lines: () => [...ring] };
}
