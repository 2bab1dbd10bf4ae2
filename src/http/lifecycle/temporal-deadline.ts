// Every Temporal call on a lifecycle request path carries a gRPC deadline inside Upgates' 5 s (issue 14.2):
// without one the client keeps reconnecting to a dead frontend and the request hangs for many seconds.
import type { Client } from '@temporalio/client';

export const TEMPORAL_CALL_DEADLINE_MS = 1_000;

export function withTemporalDeadline<T>(client: Client, deadlineAt: number, call: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(deadlineAt, call);
}
