// POST /upgates/install — activation. Upgates gives up after 5 s and wants HTTP 200 with {"error": bool}.
// Store (encrypted) credentials, then start install:<token> and answer with its early result (owner read,
// account paired) when it comes in time (lifecycle/install-answer.ts); otherwise {"error": false} while the
// workflow goes on, but only when Temporal accepted the start: with Temporal down the owner must hear an error and activate
// again (Upgates never calls twice by itself). Every database and Temporal call here has a deadline inside the
// 5 s: a database slower than that (up, but overloaded) gets the owner a "try again" in time, and nothing is
// started after that answer (a write that lands late leaves the shop 'installing' until the next activation).
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { credentialsChangedSignal } from '../../../workflows/messages.js';
import { cancelPurgeSignal } from '../../../workflows/uninstall.js';
import { signalShopIfRunning } from '../../temporal/shop-workflow-client.js';
import { uninstallWorkflowId } from '../../temporal/workflow-ids.js';
import type { BeginInstallOutcome } from '../../db/shop-store.js';
import { AnswerDeadlinePassedError, withDatabaseDeadline } from '../database-deadline.js';
import { installBodySchema, type InstallBody } from '../lifecycle/callback-schemas.js';
import { refuseInstallApiUrl } from '../lifecycle/install-api-url-check.js';
import { unmappedVersions } from '../lifecycle/lifecycle-metrics.js';
import { TEMPORAL_CALL_DEADLINE_MS, withTemporalDeadline } from '../lifecycle/temporal-deadline.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import { answerInstall, TEMPORARILY_UNAVAILABLE } from '../lifecycle/install-answer.js';
import { installManifestVersion } from '../lifecycle/version-mapping.js';
import type { AppDeps } from '../deps.js';

export const postInstall = (deps: AppDeps): RequestHandler[] => [
  (_req, res, next) => {
    // Upgates' 5 s clock starts when the request arrives, not when our handler runs: measure from here.
    res.locals.arrivedAt = Date.now();
    next();
  },
  express.json({ limit: '64kb', type: () => true }),
  async (req, res) => {
    const answerBy = (res.locals.arrivedAt as number) + deps.config.installAnswerTimeoutMs;
    try {
      await answerActivation(deps, req, res, answerBy);
    } catch (error) {
      if (!(error instanceof AnswerDeadlinePassedError)) throw error;
      deps.logger.error(
        { err: error },
        'install: the database did not answer before the callback deadline; the owner is asked to activate again',
      );
      res.json(TEMPORARILY_UNAVAILABLE);
    }
  },
];

async function answerActivation(deps: AppDeps, req: Request, res: Response, answerBy: number): Promise<void> {
  const body = await verifyCallback(
    'install',
    installBodySchema,
    req,
    res,
    { ...deps, signatureToken: deps.config.upgates.signatureToken },
    { answerBy },
  );
  if (!body) return;
  if (refuseInstallApiUrl(deps, body.token, body.apiUrl, res)) return;
  const outcome = await withDatabaseDeadline(deps.db.connection, () => upsertShopForInstall(deps, body), { answerBy }).finally(() =>
    // A reinstall draws a new webhook key: the old one must be refused from now on (other API processes
    // see the change within a second, webhooks/webhook-shop-cache.ts).
    deps.webhookShops.forget(body.token),
  );
  // Temporal calls below end by the answer deadline too (never later than the 5 s Upgates waits).
  const temporalDeadline = Math.min(answerBy, Date.now() + TEMPORAL_CALL_DEADLINE_MS);
  if (outcome === 'already-active') {
    // A duplicate activation of an installed add-on: only the credentials changed. Upgates binds webhooks
    // to the API user, so a new user may have none: the shop workflow (the only caller of the API for
    // this shop) re-checks them and catches up. Its failure must not fail the activation.
    await withTemporalDeadline(deps.temporal, temporalDeadline, () =>
      signalShopIfRunning(deps.temporal, body.token, credentialsChangedSignal),
    ).catch((error: unknown) =>
      deps.logger.warn(
        { shopToken: body.token, err: error },
        'could not tell the shop workflow about new credentials; the daily reconciliation will',
      ),
    );
    res.json({ error: false, message: '' });
    return;
  }
  if (outcome === 'reinstall') await cancelPendingPurge(deps.temporal, body.token, temporalDeadline);
  res.json(
    await answerInstall({ temporal: deps.temporal, taskQueue: deps.config.temporal.taskQueue, logger: deps.logger }, body.token, answerBy),
  );
}

async function upsertShopForInstall(deps: AppDeps, body: InstallBody): Promise<BeginInstallOutcome> {
  const credentials = deps.cipher.encrypt({ apiUser: body.apiUser, apiKey: body.apiKey, apiUrl: body.apiUrl }, body.token);
  const { version, mapped } = installManifestVersion(deps.config, body.version);
  if (!mapped) {
    // Not a guess at the newest manifest: that one may need accesses the owner did not grant.
    unmappedVersions.inc({ callback: 'install' });
    deps.logger.warn(
      { shopToken: body.token, upgatesVersion: body.version, manifestVersion: version },
      'install: Upgates version identifier not in UPGATES_VERSIONS; running the first manifest',
    );
  }
  const hashFor = (nonce: string) => deps.webhookKeys.hash(deps.webhookKeys.keyFor(body.token, nonce));
  return deps.stores.shops.beginInstall({
    token: body.token,
    credentials,
    profile: deps.config.profile,
    version,
    upgatesVersion: body.version,
    language: body.current_admin_language,
    newWebhookKey: () => {
      const nonce = deps.webhookKeys.newNonce();
      return { nonce, hash: hashFor(nonce) };
    },
    webhookKeyHashFor: hashFor,
  });
}

async function cancelPendingPurge(client: Client, shopToken: string, deadline: number): Promise<void> {
  try {
    await withTemporalDeadline(client, deadline, () => client.workflow.getHandle(uninstallWorkflowId(shopToken)).signal(cancelPurgeSignal));
  } catch {
    // No retention timer running (already purged or never uninstalled through us): nothing to cancel.
  }
}
