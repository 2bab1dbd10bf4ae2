// Request paths must not hang on a dead database (issue 14.8): the driver waits up to the 5 s server selection
// timeout, and Upgates (5 s for install) or the merchant's browser would see a timeout or a late generic 500.
// Each request-path query gets a short deadline; when it passes and the driver knows no reachable server
// (its topology description says so), or the query failed for want of a connection, the request answers 503 at
// once. A merely slow database (FerretDB under load) is waited for, except by a request that must answer by a
// fixed time (the install callback, 5 s): with `answerBy` the wait ends then with AnswerDeadlinePassedError.
import type { Connection } from 'mongoose';

export const DATABASE_DEADLINE_MS = 500;

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

/**
 * The database did not answer before the request's own answer deadline (the database may be up but slow).
 * The query may still complete afterwards: the caller answers "try again" and must start nothing more.
 */
export class AnswerDeadlinePassedError extends Error {
  override readonly name = 'AnswerDeadlinePassedError';
}

/** True for errors that mean "no database", not "bad query". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  if (!e) return false;
  return CONNECTIVITY_ERRORS.has(e.name ?? '') || /buffering timed out|connection .* closed|ECONNREFUSED/i.test(e.message ?? '');
}

interface TopologyView {
  topology?: { description?: { servers?: Map<string, { type: string }> } };
}

/**
 * False when the driver knows no reachable server: the connection is not open, or every server in its
 * topology description (kept up to date by its monitoring) is 'Unknown', as after a refused connection.
 */
export function databaseReachable(connection: Connection): boolean {
  if (connection.readyState !== 1) return false;
  const servers = (connection.getClient() as unknown as TopologyView).topology?.description?.servers;
  if (!servers || servers.size === 0) return true;
  return [...servers.values()].some((server) => server.type !== 'Unknown');
}

/**
 * Runs a request-path query; throws DatabaseUnavailableError when the database is down (within ~the deadline),
 * and AnswerDeadlinePassedError when `answerBy` (epoch ms) comes first.
 */
export async function withDatabaseDeadline<T>(
  connection: Connection,
  work: () => PromiseLike<T>,
  options: { deadlineMs?: number; answerBy?: number } = {},
): Promise<T> {
  const deadlineMs = options.deadlineMs ?? DATABASE_DEADLINE_MS;
  if (options.answerBy !== undefined && Date.now() >= options.answerBy)
    throw new AnswerDeadlinePassedError('the answer deadline passed before the database was asked');
  // Promise.resolve: a mongoose Query is a thenable that runs again on every then(); run it exactly once.
  const running = Promise.resolve(work());
  running.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  let answerTimer: NodeJS.Timeout | undefined;
  const check = (resolveDown: () => void) => {
    timer = setTimeout(() => (databaseReachable(connection) ? check(resolveDown) : resolveDown()), deadlineMs);
  };
  const down = new Promise<never>((_, reject) => {
    check(() => reject(new DatabaseUnavailableError(`database did not answer within ${deadlineMs} ms and is unreachable`)));
    if (options.answerBy !== undefined)
      answerTimer = setTimeout(
        () => reject(new AnswerDeadlinePassedError('the database did not answer before the answer deadline')),
        options.answerBy - Date.now(),
      );
  });
  try {
    return await Promise.race([running, down]);
  } catch (error) {
    if (isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailableError))
      throw new DatabaseUnavailableError((error as Error).message);
    throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(answerTimer);
  }
}
