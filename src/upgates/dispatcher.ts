// One keep-alive undici Agent per process: it keeps a connection pool per shop origin, so consecutive calls
// to a shop reuse TLS connections instead of paying a handshake each time.
import { Agent, type Dispatcher } from 'undici';

let shared: Agent | undefined;

export function sharedDispatcher(): Dispatcher {
  shared ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    // Each real shop has its own origin and never more than 3 requests in flight (semaphore.ts). The sandbox
    // serves every shop from one origin, so the per-origin cap must not become a hidden cross-shop queue.
    connections: 64,
  });
  return shared;
}

/** Closes the shared pools (worker shutdown, end of a test run). */
export async function closeSharedDispatcher(): Promise<void> {
  const agent = shared;
  shared = undefined;
  await agent?.close();
}
