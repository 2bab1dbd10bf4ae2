// Request paths must not hang on a dead database (issue 14.8): the driver waits up to the 5 s server selection
// timeout, and Upgates (5 s for install) or the merchant's browser would see a timeout or a late generic 500.
// Each request-path query gets a short deadline; when it passes and the driver knows no reachable server
// (its own SDAM events say so), or the query failed for want of a connection, the request answers 503 at
// once. A merely slow database (FerretDB under load) is waited for.
import type { Connection } from 'mongoose';

export const DATABASE_DEADLINE_MS = 800;

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

const CONNECTIVITY_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'DatabaseUnavailableError',
]);

/** True for errors that mean "no database", not "bad query". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  if (!e) return false;
  return CONNECTIVITY_ERRORS.has(e.name ?? '') || /buffering timed out|connection .* closed|ECONNREFUSED/i.test(e.message ?? '');
}

const reachability = new WeakMap<Connection, Map<string, string>>();

/** False when every server the driver monitors is currently 'Unknown' (down or unreachable). */
export function databaseReachable(connection: Connection): boolean {
  let servers = reachability.get(connection);
  if (!servers) {
    servers = new Map();
    reachability.set(connection, servers);
    const tracked = servers;
    connection
      .getClient()
      .on('serverDescriptionChanged', (event: { address: string; newDescription: { type: string } }) =>
        tracked.set(event.address, event.newDescription.type),
      );
    return connection.readyState === 1;
  }
  if (connection.readyState !== 1) return false;
  return servers.size === 0 || [...servers.values()].some((type) => type !== 'Unknown');
}

/** Runs a request-path query; throws DatabaseUnavailableError when the database is down (within ~the deadline). */
export async function withDatabaseDeadline<T>(
  connection: Connection,
  work: () => PromiseLike<T>,
  deadlineMs = DATABASE_DEADLINE_MS,
): Promise<T> {
  databaseReachable(connection); // starts tracking on first use
  // Promise.resolve: a mongoose Query is a thenable that runs again on every then(); run it exactly once.
  const running = Promise.resolve(work());
  running.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const check = (resolveDown: () => void) => {
    timer = setTimeout(() => (databaseReachable(connection) ? check(resolveDown) : resolveDown()), deadlineMs);
  };
  const down = new Promise<never>((_, reject) =>
    check(() => reject(new DatabaseUnavailableError(`database did not answer within ${deadlineMs} ms and is unreachable`))),
  );
  try {
    return await Promise.race([running, down]);
  } catch (error) {
    if (isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailableError))
      throw new DatabaseUnavailableError((error as Error).message);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
