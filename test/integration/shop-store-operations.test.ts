// The shop store's operations outside the lifecycle (src/db/shop-store.ts): settings, service state, version
// notices, what Upgates' 401/403/301 answers leave, the uninstall intent, and the finds routes use. On the real
// store (FerretDB in tests). Each write is checked field by field against the document before it: FerretDB
// rewrites whole documents, so an operation must change exactly the fields it names (updatedAt aside).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createStores, type Stores } from '../../src/db/stores.js';
import type { ShopStatus } from '../../src/db/shop-store.js';
import { apiMoveRefusalOf } from '../../src/shops/api-move-refusal.js';

let db: Database;
let stores: Stores;
const run = `sso${Date.now() % 100000}`;

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_shop_store_ops_${run}$2`));
  stores = createStores(db);
});
afterAll(async () => {
  await db?.connection.dropDatabase();
  await db?.close();
});

let n = 0;
async function shopIn(status: ShopStatus, extra: Record<string, unknown> = {}): Promise<string> {
  const token = `${run}-${n++}`;
  await db.models.Shop.create({
    token,
    status,
    profile: 'fulfillment',
    version: 1,
    upgatesVersion: '1',
    webhookKeyHash: `h-${token}`,
    webhookKeyNonce: `n-${token}`,
    credentials: { v: 1, iv: 'iv', tag: 'tag', data: 'data' },
    settings: { kept: 'yes' },
    ...extra,
  });
  return token;
}

const raw = (token: string) => db.connection.collection('shops').findOne({ token });

/** Runs `write` and answers the top-level fields it changed (updatedAt aside), with their new values. */
async function changedBy(token: string, write: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const before = (await raw(token))!;
  await write();
  const after = (await raw(token))!;
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'updatedAt') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = after[key];
  }
  return changed;
}

describe('shop store operations', () => {
  it('findByToken: the whole document, or the projected fields; null for an unknown token; isUninstalled', async () => {
    const token = await shopIn('active');
    expect(await stores.shops.findByToken(token)).toMatchObject({
      token,
      status: 'active',
      profile: 'fulfillment',
      settings: { kept: 'yes' },
    });
    const projected = await stores.shops.findByToken<Record<string, unknown>>(token, { status: 1 });
    expect(Object.keys(projected!).sort()).toEqual(['_id', 'status']);
    expect(await stores.shops.findByToken(`${run}-unknown`)).toBeNull();
    expect(await stores.shops.isUninstalled(token)).toBe(false);
    expect(await stores.shops.isUninstalled(await shopIn('uninstalled'))).toBe(true);
    expect(await stores.shops.isUninstalled(`${run}-unknown`)).toBe(false);
  });

  it('saveSettings: the submitted keys only, other settings kept; nothing for no keys or an uninstalled shop', async () => {
    const token = await shopIn('active');
    expect(await changedBy(token, () => stores.shops.saveSettings(token, { carrier: { '1': 'ppl' }, note: 'x' }))).toEqual({
      settings: { kept: 'yes', carrier: { '1': 'ppl' }, note: 'x' },
    });
    expect(await changedBy(token, () => stores.shops.saveSettings(token, {}))).toEqual({});
    const gone = await shopIn('uninstalled');
    expect(await changedBy(gone, () => stores.shops.saveSettings(gone, { note: 'x' }))).toEqual({});
  });

  it('setServiceState: writes `service` only; false (nothing written) for an uninstalled or unknown shop', async () => {
    const token = await shopIn('active');
    const since = new Date(Date.UTC(2026, 0, 1));
    let stored: boolean | undefined;
    expect(
      await changedBy(
        token,
        async () => (stored = await stores.shops.setServiceState(token, { state: 'suspended', reason: 'unpaid', since })),
      ),
    ).toEqual({ service: { state: 'suspended', reason: 'unpaid', since } });
    expect(stored).toBe(true);
    const gone = await shopIn('uninstalled');
    expect(
      await changedBy(gone, async () => (stored = await stores.shops.setServiceState(gone, { state: 'active', reason: null, since }))),
    ).toEqual({});
    expect(stored).toBe(false);
    expect(await stores.shops.setServiceState(`${run}-unknown`, { state: 'active', reason: null, since })).toBe(false);
  });

  it('version notices: an unmapped identifier notes `versionNotice` only; a mapped one sets upgatesVersion and clears it', async () => {
    const token = await shopIn('active');
    const at = new Date(Date.UTC(2026, 0, 2));
    expect(await changedBy(token, () => stores.shops.noteUnmappedVersion(token, '9', at))).toEqual({
      versionNotice: { upgatesVersion: '9', at },
    });
    expect(await changedBy(token, () => stores.shops.setUpgatesVersion(token, '2'))).toEqual({ upgatesVersion: '2', versionNotice: null });
    expect(await changedBy(token, () => stores.shops.setManifestVersion(token, 2))).toEqual({ version: 2 });
  });

  it('401 and 403: the latch and the refusal only for the credentials they were seen with; the login block', async () => {
    const token = await shopIn('active', { credentialsVersion: 3 });
    const at = new Date(Date.UTC(2026, 0, 3));
    expect(await changedBy(token, () => stores.shops.recordCredentialsRejected(token, 2, at))).toEqual({});
    expect(await changedBy(token, () => stores.shops.recordCredentialsRejected(token, 3, at))).toEqual({
      credentialsRejected: { at, credentialsVersion: 3 },
    });
    const until = new Date(Date.UTC(2026, 0, 3, 1));
    expect(await changedBy(token, () => stores.shops.recordLoginBlocked(token, until))).toEqual({ loginBlockedUntil: until });

    const refusal = apiMoveRefusalOf('https://evil.example/api/v2', 'not an Upgates host', 3, at);
    expect(refusal).toEqual({ host: 'evil.example', reason: 'not an Upgates host', at, credentialsVersion: 3 });
    expect(await changedBy(token, () => stores.shops.recordApiMoveRefusal(token, { ...refusal, credentialsVersion: 2 }))).toEqual({});
    expect(await changedBy(token, () => stores.shops.recordApiMoveRefusal(token, refusal))).toEqual({ apiMoveRefused: refusal });
  });

  it('403 access not granted: added once for the current credentials and version, older entries dropped', async () => {
    const old = { access: 'orders:GET', at: new Date(0), credentialsVersion: 0, version: 1 };
    const token = await shopIn('active', { credentialsVersion: 1, accessesNotGranted: [old] });
    const current = { credentialsVersion: 1, version: 1 };
    const first = await changedBy(token, () => stores.shops.recordAccessNotGranted(token, 'products:GET', current));
    expect(Object.keys(first)).toEqual(['accessesNotGranted']);
    expect((first.accessesNotGranted as Array<Record<string, unknown>>).map(({ at: _at, ...entry }) => entry)).toEqual([
      { access: 'products:GET', credentialsVersion: 1, version: 1 },
    ]);
    expect(await changedBy(token, () => stores.shops.recordAccessNotGranted(token, 'products:GET', current))).toEqual({});
    // Seen with other credentials or another manifest version than the stored ones: nothing written.
    expect(
      await changedBy(token, () => stores.shops.recordAccessNotGranted(token, 'customers:GET', { credentialsVersion: 0, version: 1 })),
    ).toEqual({});
    expect(
      await changedBy(token, () => stores.shops.recordAccessNotGranted(token, 'customers:GET', { credentialsVersion: 1, version: 2 })),
    ).toEqual({});
  });

  it('the uninstall intent: listed for the sweep, cleared only for the same uninstall', async () => {
    const now = new Date(Date.UTC(2026, 0, 4));
    const purgeAfter = new Date(now.getTime() + 60_000);
    const token = await shopIn('active');
    await stores.shops.markUninstalled(token, now, purgeAfter);
    expect((await stores.shops.pendingUninstalls(1000)).filter((p) => p.token === token)).toEqual([
      { token, uninstalledAt: now, purgeAfter },
    ]);
    expect(await changedBy(token, () => stores.shops.clearPendingUninstall(token, new Date(now.getTime() - 1)))).toEqual({});
    expect(await changedBy(token, () => stores.shops.clearPendingUninstall(token, now))).toEqual({ pendingUninstall: null });
    expect((await stores.shops.pendingUninstalls(1000)).some((p) => p.token === token)).toBe(false);
  });
});

describe('account store', () => {
  it('pairOwner: one account per pairing key, linked to each shop; companyOf by link, else by shop', async () => {
    const owner = { company: 'ACME', companyNumber: '123', email: 'a@acme.test', contactName: null, language: 'cs', country: 'cz' };
    const first = await stores.accounts.pairOwner(`company:cz:123-${run}`, owner, `${run}-a`);
    const second = await stores.accounts.pairOwner(`company:cz:123-${run}`, { ...owner, company: 'ACME s.r.o.' }, `${run}-b`);
    expect(second.equals(first)).toBe(true);
    expect(await db.models.Account.findById(first).lean()).toMatchObject({ company: 'ACME s.r.o.', shopTokens: [`${run}-a`, `${run}-b`] });
    expect(await stores.accounts.companyOf(`${run}-x`, first)).toMatchObject({ company: 'ACME s.r.o.', companyNumber: '123' });
    expect(await stores.accounts.companyOf(`${run}-b`, null)).toMatchObject({ company: 'ACME s.r.o.' });
    expect(await stores.accounts.companyOf(`${run}-nobody`, null)).toBeNull();
  });
});
