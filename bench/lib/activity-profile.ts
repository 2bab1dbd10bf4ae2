// Where a workflow's time goes, read from its history: per activity type, how long tasks waited for a worker
// (scheduled -> started: worker slots or a busy worker) and how long they ran (started -> closed: the activity's
// own I/O, e.g. database writes). The fleet bench uses it to name its bottleneck instead of guessing.
import type { Client, WorkflowHandle } from '@temporalio/client';

type Event = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export interface ActivityTimes {
  type: string;
  count: number;
  waitMs: number[];
  runMs: number[];
}

const ms = (t: Event['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** Adds the activity timings of one workflow history into `into` (keyed by activity type). */
export function addActivityTimes(events: Event[], into: Map<string, ActivityTimes>): void {
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  for (const e of events) {
    const id = String(e.eventId);
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(id, { type: s.activityType?.name ?? '?', at: ms(e.eventTime) });
    const st = e.activityTaskStartedEventAttributes;
    if (st) started.set(String(st.scheduledEventId), ms(e.eventTime));
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const sched = scheduled.get(String(closed.scheduledEventId));
      const startedAt = started.get(String(closed.scheduledEventId));
      if (!sched || startedAt === undefined) continue;
      const row = into.get(sched.type) ?? { type: sched.type, count: 0, waitMs: [], runMs: [] };
      row.count++;
      // The started event of a retried activity is written when it closes: its wait includes earlier attempts.
      row.waitMs.push(Math.max(0, startedAt - sched.at));
      row.runMs.push(Math.max(0, ms(e.eventTime) - startedAt));
      into.set(sched.type, row);
    }
  }
}

/** Activity timings over the histories of the given workflow ids (missing workflows are skipped). */
export async function profileActivities(client: Client, workflowIds: string[]): Promise<ActivityTimes[]> {
  const into = new Map<string, ActivityTimes>();
  for (const id of workflowIds) {
    const history = await client.workflow
      .getHandle(id)
      .fetchHistory()
      .catch(() => null);
    if (history?.events) addActivityTimes(history.events, into);
  }
  return [...into.values()].sort((a, b) => sum(b.waitMs) + sum(b.runMs) - sum(a.waitMs) - sum(a.runMs));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface ActivitySpan {
  type: string;
  scheduledAt: number;
  startedAt: number;
  closedAt: number;
}

/** Every closed activity of a history with its schedule, start and close times (epoch ms). */
export function activitySpans(events: Event[]): ActivitySpan[] {
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const spans: ActivitySpan[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '?', at: ms(e.eventTime) });
    const st = e.activityTaskStartedEventAttributes;
    if (st) started.set(String(st.scheduledEventId), ms(e.eventTime));
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (!closed) continue;
    const sched = scheduled.get(String(closed.scheduledEventId));
    const startedAt = started.get(String(closed.scheduledEventId));
    if (sched && startedAt !== undefined) spans.push({ type: sched.type, scheduledAt: sched.at, startedAt, closedAt: ms(e.eventTime) });
  }
  return spans;
}

const PENDING_STATE: Record<number, string> = { 1: 'waiting for a worker', 2: 'running', 3: 'cancel requested', 4: 'paused' };

/**
 * What running workflows wait for right now: their pending activities by type and state (scheduled = waiting
 * for a worker slot, started = running), from describe() of up to `limit` workflows matching `query`.
 */
export async function pendingActivities(
  client: Client,
  query: string,
  limit: number,
): Promise<{ workflows: number; byTypeAndState: Map<string, number> }> {
  const byTypeAndState = new Map<string, number>();
  let workflows = 0;
  for await (const execution of client.workflow.list({ query })) {
    if (workflows++ >= limit) break;
    const description = await client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .describe()
      .catch(() => null);
    for (const activity of description?.raw.pendingActivities ?? []) {
      const key = `${activity.activityType?.name ?? '?'} ${PENDING_STATE[Number(activity.state)] ?? `state ${activity.state}`}`;
      byTypeAndState.set(key, (byTypeAndState.get(key) ?? 0) + 1);
    }
  }
  return { workflows: Math.min(workflows, limit), byTypeAndState };
}
