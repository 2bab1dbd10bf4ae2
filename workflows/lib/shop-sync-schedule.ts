// What the shop workflow's main loop does next, as data (issue 15.3): how long it waits, what wakes it, which
// step runs after the wait (one priority list), the debounce deadline and when a continue-as-new may happen.
// Pure: time comes in as `now` (workflow ms), the workflow's history facts as plain values.
import { oldestPendingMs, pendingCount } from './pending-set.js';
import { alignToShopGrid } from './shop-offset.js';
import {
  DAY_MS,
  hasPending,
  hasSpilled,
  isLive,
  reconcileDueAt,
  type ShopSyncMachine,
  type ShopSyncSettings,
} from './shop-sync-machine.js';

/** A step failed for good: wait this long (or for the uninstall / new credentials) before the loop retries. */
export const STEP_RETRY_MS = 60 * 1000;
/**
 * Bounded state (issue 16.2): continue-as-new with more pending ids than this writes them to MongoDB first
 * (ids per document, documents per activity call) and carries only counts. 5000 ids are about 120 KB of JSON,
 * so the input stays far below Temporal's 512 KB warning; one activity input is at most 5000 ids too.
 */
export const SPILL_THRESHOLD = 5000;

export type ShopSyncStep =
  | 'hold-suspended'
  | 'install'
  | 'initial-sync'
  | 'resume-catch-up'
  | 'back-sync'
  | 'version-change'
  | 'credentials-reconcile'
  | 'sync-now'
  | 'reconcile'
  | 'drain-spill'
  | 'flush'
  | 'idle';

/**
 * The loop's wait before a step. `reconcileAt` is fixed here, before the wait, and the step after the wait is
 * chosen against it: a resume or an installed signal during the wait must not make a reconciliation due early.
 */
export interface LoopWait {
  suspendedAtWait: boolean;
  reconcileAt: number;
  waitMs: number;
}

export function planWait(m: ShopSyncMachine, settings: ShopSyncSettings, now: number): LoopWait {
  // Suspended: nothing is due (no reconcile timer); the resume signal wakes the loop.
  const suspendedAtWait = Boolean(m.state.suspension);
  const reconcileAt = isLive(m) && !suspendedAtWait ? reconcileDueAt(m, settings, now) : now + DAY_MS;
  const retryFlushAt = (hasPending(m) || hasSpilled(m)) && m.flushBlockedUntil > now ? m.flushBlockedUntil : Infinity;
  return { suspendedAtWait, reconcileAt, waitMs: Math.max(1, Math.min(reconcileAt, retryFlushAt) - now) };
}

const flushable = (m: ShopSyncMachine, now: number) => now >= m.flushBlockedUntil;

/** Work the loop can start without a timer firing (a due reconciliation is the timer's job). */
export function workReady(m: ShopSyncMachine, now: number): boolean {
  const s = m.state;
  return (
    m.installRequest !== null ||
    s.phase === 'initial-sync' ||
    (isLive(m) &&
      (m.backSyncQueue.length > 0 ||
        m.syncNowRequested ||
        m.credentialsChanged ||
        s.pendingVersionChange !== null ||
        ((hasPending(m) || hasSpilled(m)) && flushable(m, now))))
  );
}

/** Ends the loop's wait early (besides a due continue-as-new, which the workflow asks Temporal about). */
export function wakeUp(m: ShopSyncMachine, wait: LoopWait, now: number): boolean {
  const s = m.state;
  return (
    m.uninstallRequested ||
    (!s.suspension && (workReady(m, now) || (isLive(m) && !!s.resumeCatchUpFrom))) ||
    Boolean(s.suspension) !== wait.suspendedAtWait
  );
}

type Rule = readonly [ShopSyncStep, (m: ShopSyncMachine, now: number, wait: LoopWait) => boolean];
/** First match wins. Suspended: no Upgates call at all; an install and a running initial sync come first. */
export const STEP_PRIORITY: readonly Rule[] = [
  ['hold-suspended', (m) => Boolean(m.state.suspension)],
  ['install', (m) => m.installRequest !== null],
  ['initial-sync', (m) => m.state.phase === 'initial-sync'],
  ['idle', (m) => !isLive(m)],
  ['resume-catch-up', (m) => Boolean(m.state.resumeCatchUpFrom)],
  ['back-sync', (m) => m.backSyncQueue.length > 0],
  ['version-change', (m) => m.state.pendingVersionChange !== null],
  ['credentials-reconcile', (m) => m.credentialsChanged],
  ['sync-now', (m) => m.syncNowRequested],
  ['reconcile', (_m, now, wait) => now >= wait.reconcileAt],
  ['drain-spill', (m, now) => hasSpilled(m) && flushable(m, now)],
  ['flush', (m, now) => hasPending(m) && flushable(m, now)],
];

export function nextStep(m: ShopSyncMachine, wait: LoopWait, now: number): ShopSyncStep {
  return STEP_PRIORITY.find(([, when]) => when(m, now, wait))?.[0] ?? 'idle';
}

/** When the pending ids flush: quiet for `quietMs` or `maxWaitMs` after the oldest, on the shop's grid. */
export function debounceDueAt(m: ShopSyncMachine, settings: ShopSyncSettings, now: number): number {
  const s = m.state;
  const quietDeadline = (s.lastEventAt ?? now) + settings.quietMs;
  const maxDeadline = (oldestPendingMs(s.pending) ?? s.firstPendingAt ?? now) + settings.maxWaitMs;
  return alignToShopGrid(Math.min(quietDeadline, maxDeadline), s.shopToken, settings.quietMs);
}
/** A queued write or a suspension cuts the debounce short (the write runs first; a suspension flushes nothing). */
export const debounceInterrupted = (m: ShopSyncMachine) => m.backSyncQueue.length > 0 || Boolean(m.state.suspension);
export const flushMayRun = (m: ShopSyncMachine) => !m.uninstallRequested && !debounceInterrupted(m);

/** Temporal suggests it, or (test hook) the history is longer than `maxHistoryEvents`. */
export function continueAsNewWanted(info: { continueAsNewSuggested: boolean; historyLength: number }, settings: ShopSyncSettings): boolean {
  return info.continueAsNewSuggested || (settings.maxHistoryEvents !== undefined && info.historyLength > settings.maxHistoryEvents);
}
/** Only `state` crosses continue-as-new, so run-local work must be done first: queued writes, requests. */
export function mayContinueAsNew(m: ShopSyncMachine): boolean {
  return m.backSyncQueue.length === 0 && !m.syncNowRequested && !m.credentialsChanged && m.installRequest === null;
}
export function spillBeforeContinueAsNew(m: ShopSyncMachine, settings: ShopSyncSettings): boolean {
  return pendingCount(m.state.pending) > (settings.spillThreshold ?? SPILL_THRESHOLD);
}
/** The next run's input state: pending ids as plain JSON (or spill counts); a failure backoff is not carried. */
export const carryOver = (m: ShopSyncMachine) => m.state;
