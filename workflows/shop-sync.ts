// shop:<token> — the long-running workflow that owns one shop's data flow.
// Webhook signals only record ids (synchronous handlers, nothing awaited); the main loop debounces them,
// flushes them through activities (fetch by id lists, guarded upserts), runs the initial sync, the daily
// reconciliation, "sync now" and back-sync writes — one API activity at a time, which is what keeps the
// shop under Upgates' 3-concurrent-requests limit across any number of worker processes.
// The state and its transitions are pure (lib/shop-sync-machine.ts, -schedule.ts, -results.ts); the steps that
// call activities are in shop-sync-steps.ts. This file holds the handlers and the loop.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  backSyncUpdate,
  credentialsChangedSignal,
  installedSignal,
  serviceStateSignal,
  shopStateQuery,
  syncNowUpdate,
  uninstallSignal,
  versionChangeSignal,
  webhookSignal,
  type InstalledSignal,
  type ShopSyncState,
} from './messages.js';
import * as machine from './lib/shop-sync-machine.js';
import { credentialsReconciled, startInitialSync, takeInstallRequest } from './lib/shop-sync-results.js';
import * as schedule from './lib/shop-sync-schedule.js';
import { SyncPhase } from './search-attributes.js';
import * as steps from './shop-sync-steps.js';
import { shortApi } from './shop-sync-steps.js';

export { initialShopState, type ShopSyncSettings } from './lib/shop-sync-machine.js';

export interface ShopSyncInput {
  shopToken: string;
  settings: machine.ShopSyncSettings;
  state?: ShopSyncState;
}

export async function shopSyncWorkflow(input: ShopSyncInput): Promise<{ phase: string; stats: ShopSyncState['stats'] }> {
  const { shopToken, settings } = input;
  const m = machine.startRun(shopToken, input.state);
  const s = m.state;
  const upsertPhase = (value: string) => upsertSearchAttributes([{ key: SyncPhase, value }]);
  const warnDropped = (dropped: number) => {
    if (dropped > 0) log.warn('too many webhook ids while suspended; dropped for a catch-up at resume', { dropped });
  };

  // Handlers first, before any await, so signals buffered before this run are delivered to them.
  setHandler(webhookSignal, (batches) => warnDropped(machine.onWebhookBatches(m, batches, Date.now(), settings)));
  setHandler(installedSignal, (signal) => machine.onInstalled(m, signal));
  setHandler(credentialsChangedSignal, () => machine.onCredentialsChanged(m));
  setHandler(uninstallSignal, () => machine.onUninstall(m));
  setHandler(versionChangeSignal, (signal) => machine.onVersionChange(m, signal));
  // Service suspension by the vendor (patched: histories from before it never carry this signal).
  setHandler(serviceStateSignal, (signal) => {
    if (!patched('service-suspension')) return;
    if (signal.state === 'suspended') {
      const suspended = machine.suspend(m, signal.reason, signal.since, settings);
      if (!suspended) return;
      warnDropped(suspended.dropped);
      upsertPhase('suspended');
      log.info('service suspended: no Upgates calls until resumed', { since: signal.since });
    } else {
      const resumed = machine.resume(m);
      if (!resumed) return;
      upsertPhase(s.phase);
      log.info('service resumed', resumed);
    }
  });
  setHandler(syncNowUpdate, () => machine.decideSyncNow(m, settings, Date.now()));
  setHandler(backSyncUpdate, async (request) => {
    const decision = machine.decideBackSync(m, request);
    if ('refused' in decision) return decision.refused;
    await condition(() => decision.queued.result !== undefined);
    return decision.queued.result!;
  });
  setHandler(shopStateQuery, () => machine.statusView(m, settings, Date.now()));

  async function handleInstall(request: InstalledSignal) {
    const plan = await shortApi.planInitialSync({ shopToken });
    const visible = startInitialSync(m, request, plan.resources, Date.now());
    steps.keepInitialSyncPlan(m, plan); // run-local, no command: the steps use it only behind their patch
    if (visible !== null) upsertPhase(visible);
  }

  async function runStep(step: schedule.ShopSyncStep) {
    switch (step) {
      // Suspended by the vendor: no Upgates call; webhook ids are kept, bounded. A continue-as-new held back by
      // an unfinished request waits for the resume or the uninstall instead of spinning.
      case 'hold-suspended':
        if (continueAsNewDue()) await condition(() => m.uninstallRequested || !s.suspension);
        return;
      case 'install':
        return handleInstall(takeInstallRequest(m));
      case 'initial-sync':
        return steps.initialSyncStep(m, settings);
      case 'resume-catch-up':
        return steps.catchUpAfterSuspension(m);
      case 'back-sync':
        return steps.runBackSync(m, machine.takeBackSync(m));
      case 'version-change':
        return steps.applyVersionChange(m);
      case 'credentials-reconcile':
        // New API user after a repeated activation: its webhooks must exist (re-registered if missing), and
        // changes made while none were registered are caught up incrementally.
        await steps.reconcile(m, 'mandatory');
        return credentialsReconciled(m);
      case 'sync-now':
        machine.beginSyncNow(m);
        try {
          return await steps.reconcile(m, 'optional');
        } finally {
          machine.endSyncNow(m);
        }
      case 'reconcile':
        return steps.reconcile(m, 'mandatory');
      case 'drain-spill':
        return steps.drainSpillStep(m);
      case 'flush':
        await steps.debounce(m, settings);
        if (schedule.flushMayRun(m)) await steps.flush(m, settings);
        return;
      case 'idle':
        return;
    }
  }

  const continueAsNewDue = () => schedule.continueAsNewWanted(workflowInfo(), settings);
  upsertPhase(machine.visiblePhase(s));
  for (;;) {
    if (continueAsNewDue() && schedule.mayContinueAsNew(m)) {
      // Wait for all handlers so nothing in flight is dropped; pending ids travel as plain JSON, or, above the
      // threshold, are spilled to MongoDB first (then the loop checks again: work may have come in meanwhile).
      await condition(allHandlersFinished);
      if (schedule.spillBeforeContinueAsNew(m, settings) && patched('spill-pending-set')) {
        await steps.spillPendingIds(m);
        continue;
      }
      return await continueAsNew<typeof shopSyncWorkflow>({ shopToken, settings, state: schedule.carryOver(m) });
    }
    const wait = schedule.planWait(m, settings, Date.now());
    await condition(() => schedule.wakeUp(m, wait, Date.now()) || continueAsNewDue(), wait.waitMs);
    if (m.uninstallRequested) break;
    try {
      await runStep(schedule.nextStep(m, wait, Date.now()));
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      if (steps.shopGone(error)) break;
      // A step failed for good (e.g. access revoked: the uninstall signal usually arrives right behind the
      // activity's 401, or new credentials are on their way). Never let that fail the shop workflow: wait
      // for the uninstall or new credentials, else retry the step later; its progress is kept in state.
      log.warn('shop workflow step failed; retrying later', { phase: s.phase, error: error.cause?.message });
      await condition(() => m.uninstallRequested || m.credentialsChanged, schedule.STEP_RETRY_MS);
    }
  }

  // Uninstalled: access is revoked, so pending ids cannot be fetched; end cleanly. Queued back-sync
  // requests get a clear answer instead of hanging.
  machine.refuseQueuedBackSyncs(m, 'shop uninstalled');
  await condition(allHandlersFinished);
  steps.applyPhase(m, 'uninstalled');
  return { phase: s.phase, stats: s.stats };
}
