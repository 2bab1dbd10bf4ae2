// Version change end to end (sandbox over HTTP, real Temporal dev server and FerretDB): install at version 1,
// switch to version 2; webhooks and conversion codes end up exactly as the v2 manifest says (the diff applied,
// kept webhooks untouched), newly needed resources are synced, the version is recorded, and a repeated
// identical callback is a no-op. Two profiles: fulfillment (webhooks + a new resource) and emailing
// (webhooks + conversion codes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import type { AddonProfileName } from '../../src/config.js';
import { diffProfiles, getProfile } from '../../src/profiles/index.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** The conversion codes a manifest asks for, one per shop language when the declaration names none. */
function wantedCodes(profile: AddonProfileName, version: number, languages: string[]): string[] {
  return sorted(
    (getProfile(profile, version).conversionCodes ?? []).flatMap((c) =>
      (c.language_id ? [c.language_id] : languages).map((lang) => `${c.position}|${lang}|${c.code}`),
    ),
  );
}
const actualCodes = (shop: SandboxShop) => sorted(shop.conversionCodes.map((c) => `${c.position}|${c.language_id}|${c.code}`));

async function versionChangeCase(e2e: E2E, profile: AddonProfileName, shop: SandboxShop) {
  const handle = e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token));
  const v1 = getProfile(profile, 1);
  const v2 = getProfile(profile, 2);
  const diff = diffProfiles(v1, v2);
  const languages = shop.data.languages.map((l) => String(l.language_id));

  expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, version: 1 })).body).toEqual({
    error: false,
    message: '',
  });
  await eventually(`${shop.token} live`, async () => (await handle.query(shopStateQuery)).phase === 'live', 90_000);
  expect((await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())?.version).toBe(1);
  expect(sorted(shop.webhooks.map((w) => w.event))).toEqual(sorted(v1.webhookEvents));
  expect(actualCodes(shop)).toEqual(wantedCodes(profile, 1, languages));
  const v1Hooks = new Map(shop.webhooks.map((w) => [w.event, w.id]));
  // Proof that the resources v2 adds are not there yet (the assertions after the change can fail).
  for (const resource of diff.resourcesToSync)
    expect(await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource })).toBe(0);

  const changed = await e2e.sandbox.lifecycle.versionChange(shop.token, { addonUrl: e2e.addonUrl, version: 2 });
  expect(changed.status).toBe(200);
  expect(changed.body).toEqual({ error: false, message: '' });
  await eventually(
    `${shop.token} at version 2 and live`,
    async () => {
      const state = await handle.query(shopStateQuery);
      const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
      return state.version === 2 && state.phase === 'live' && stored?.version === 2;
    },
    60_000,
  );

  // Webhooks: v2's events, each once; the diff's additions are new, its removals gone, the rest untouched.
  const events = shop.webhooks.map((w) => w.event);
  expect(sorted(events)).toEqual(sorted(v2.webhookEvents));
  expect(new Set(events).size).toBe(events.length);
  for (const event of diff.webhooksToAdd) expect(v1Hooks.has(event)).toBe(false);
  for (const event of diff.webhooksToRemove) expect(events).not.toContain(event);
  for (const w of shop.webhooks)
    if (v1Hooks.has(w.event)) expect({ event: w.event, id: w.id }).toEqual({ event: w.event, id: v1Hooks.get(w.event) });
  expect(shop.webhooks.every((w) => w.active_yn)).toBe(true);
  expect(actualCodes(shop)).toEqual(wantedCodes(profile, 2, languages));

  // Newly needed resources are mirrored.
  for (const resource of diff.resourcesToSync) {
    const d = await diffMirror(e2e.app.db, shop, resource as 'categories');
    expect({ resource, missing: d.missing.length, stale: d.stale.length, extra: d.extra.length }).toEqual({
      resource,
      missing: 0,
      stale: 0,
      extra: 0,
    });
    expect(d.checked).toBeGreaterThan(0);
  }

  // The same callback again: 200 and nothing happens (no API call, webhooks and codes as they were).
  const hooksBefore = JSON.stringify(shop.webhooks);
  const codesBefore = actualCodes(shop);
  const callsBefore = e2e.sandbox.calls.length;
  const again = await e2e.sandbox.lifecycle.versionChange(shop.token, { addonUrl: e2e.addonUrl, version: 2 });
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ error: false, message: '' });
  await new Promise((r) => setTimeout(r, 2_000));
  expect(e2e.sandbox.calls.slice(callsBefore).map((c) => `${c.method} ${c.path}`)).toEqual([]);
  expect(JSON.stringify(shop.webhooks)).toBe(hooksBefore);
  expect(actualCodes(shop)).toEqual(codesBefore);
  expect((await handle.query(shopStateQuery)).version).toBe(2);
}

describe('version change: fulfillment (webhooks and a newly needed resource)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('lc_version_ful', { env: { ADDON_PROFILE: 'fulfillment' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('v1 -> v2 applies the manifest diff and syncs categories; a repeat is a no-op', async () => {
    const shop = e2e.sandbox.createShop({
      token: 'lc-ver-ful',
      seed: 51,
      orders: 15,
      products: 15,
      categories: 8,
      ordersSpreadDays: 20,
      grantedAccesses: 'all',
    });
    expect(diffProfiles(getProfile('fulfillment', 1), getProfile('fulfillment', 2)).resourcesToSync).toContain('categories');
    await versionChangeCase(e2e, 'fulfillment', shop);
  });
});

describe('version change: emailing (webhooks and conversion codes)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E('lc_version_eml', { env: { ADDON_PROFILE: 'emailing' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('v1 -> v2 adds, removes and keeps conversion codes and webhooks as the manifests say; a repeat is a no-op', async () => {
    const shop = e2e.sandbox.createShop({
      token: 'lc-ver-eml',
      seed: 52,
      orders: 5,
      products: 10,
      customers: 15,
      categories: 6,
      ordersSpreadDays: 20,
      grantedAccesses: 'all',
    });
    const diff = diffProfiles(getProfile('emailing', 1), getProfile('emailing', 2));
    expect(diff.conversionCodesToAdd.length + diff.conversionCodesToRemove.length).toBeGreaterThan(0);
    await versionChangeCase(e2e, 'emailing', shop);
  });
});
