import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config.js';
import { tracingClientInterceptors } from '../tracing/temporal.js';
import { activeTracing } from '../tracing/tracing.js';

export async function createTemporalClient(config: Config['temporal']): Promise<Client> {
  // A lazy connection: the API can start while Temporal is down and answer 503 until it is back.
  const connection = Connection.lazy({ address: config.address, connectTimeout: 3_000 });
  // With tracing on, every start and signal carries the caller's span context (src/tracing/temporal.ts).
  const interceptors = tracingClientInterceptors(activeTracing());
  return new Client({ connection, namespace: config.namespace, ...(interceptors ? { interceptors } : {}) });
}

export function createNativeConnection(config: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address });
}

/** True when the frontend answers for our namespace; used by /readyz. */
export async function temporalReachable(client: Client, namespace: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  }
}
