// One keep-alive undici Agent per process: it keeps a connection pool per shop origin, so consecutive calls
// to a shop reuse TLS connections instead of paying a handshake each time.
import { Agent, type Dispatcher } from 'undici';

let shared: Agent | undefined;

export function sharedDispatcher(): Dispatcher {
  shared ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    // More than the 3-per-shop cap is never used for one origin; a little headroom for connections closing.
    connections: 6,
  });
  return shared;
}

/** Closes the shared pools (worker shutdown, end of a test run). */
export async function closeSharedDispatcher(): Promise<void> {
  const agent = shared;
  shared = undefined;
  await agent?.close();
}
