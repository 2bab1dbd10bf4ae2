// POST /upgates/version — the shop switched to another approved version of the add-on. `version` is Upgates'
// own identifier, mapped to a manifest by UPGATES_VERSIONS. The manifest diff (webhooks, conversion codes,
// newly needed resources) is applied by the shop workflow, serialised with its other API work, so the
// 3-concurrent-requests limit holds. An identifier we cannot map keeps the shop on its current version (it
// never runs a manifest whose accesses Upgates may not have granted) and says so: HTTP 200 with
// {"error": true, message}, a log line, a metric and a notice in the iframe.
import express, { type RequestHandler } from 'express';
import { versionChangeSignal } from '../../../workflows/messages.js';
import { signalWithStartShop } from '../../temporal/shop-workflow-client.js';
import { withDatabaseDeadline } from '../database-deadline.js';
import { versionBodySchema } from '../lifecycle/callback-schemas.js';
import { unmappedVersions } from '../lifecycle/lifecycle-metrics.js';
import { withTemporalDeadline } from '../lifecycle/temporal-deadline.js';
import { verifyCallback } from '../lifecycle/verify-callback.js';
import { mappedManifestVersion } from '../lifecycle/version-mapping.js';
import type { AppDeps } from '../deps.js';

const SIGNAL_DEADLINE_MS = 2_000;

export const postVersion = (deps: AppDeps): RequestHandler[] => [
  express.json({ limit: '16kb', type: () => true }),
  async (req, res) => {
    const body = await verifyCallback('version', versionBodySchema, req, res, {
      ...deps,
      signatureToken: deps.config.upgates.signatureToken,
    });
    if (!body) return;
    const { shops } = deps.stores;
    const shop = await withDatabaseDeadline(deps.db.connection, () => shops.findByToken(body.token));
    if (!shop || shop.status !== 'active') {
      res.status(404).json({ error: true, message: 'The add-on is not installed (or still installing) in this shop.' });
      return;
    }
    const toVersion = mappedManifestVersion(deps.config, body.version);
    if (toVersion === undefined) {
      unmappedVersions.inc({ callback: 'version' });
      deps.logger.warn(
        { shopToken: body.token, upgatesVersion: body.version, keptVersion: shop.version },
        'version change to an Upgates version identifier not in UPGATES_VERSIONS; the shop keeps its version',
      );
      await withDatabaseDeadline(deps.db.connection, () => shops.noteUnmappedVersion(body.token, body.version));
      res.json({
        error: true,
        message: `Add-on version "${body.version}" is not configured in this add-on's backend; the shop keeps version ${shop.version}.`,
      });
      return;
    }
    if (shop.version === toVersion) {
      if (shop.upgatesVersion !== body.version || shop.versionNotice)
        await withDatabaseDeadline(deps.db.connection, () => shops.setUpgatesVersion(body.token, body.version));
      res.json({ error: false, message: '' });
      return;
    }
    try {
      await withTemporalDeadline(deps.temporal, Date.now() + SIGNAL_DEADLINE_MS, () =>
        signalWithStartShop(deps.temporal, deps.config, body.token, shop.profile, versionChangeSignal, {
          fromVersion: shop.version,
          toVersion,
        }),
      );
    } catch (error) {
      deps.logger.error({ shopToken: body.token, err: error }, 'could not signal the version change');
      res.status(503).json({ error: true, message: 'Temporarily unavailable, please retry' });
      return;
    }
    await withDatabaseDeadline(deps.db.connection, () => shops.setUpgatesVersion(body.token, body.version));
    res.json({ error: false, message: '' });
  },
];
