// The shop lifecycle steps (src/db/shop-store.ts) on the real store (FerretDB in tests): every step from every
// status, against SHOP_TRANSITIONS: an allowed start moves to the step's status, any other changes nothing.
// The install and uninstall end-to-end tests prove the steps in their callbacks and workflows.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createShopStore, SHOP_TRANSITIONS, type ShopStatus, type ShopStore } from '../../src/db/shop-store.js';

let db: Database;
let shops: ShopStore;
const run = `ss${Date.now() % 100000}`;
const STATUSES: ShopStatus[] = ['installing', 'active', 'failed', 'uninstalled'];
const blob = { v: 1, iv: 'iv', tag: 'tag', data: 'data' };

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_shop_store_${run}$2`), { monitorCommands: true });
  shops = createShopStore(db.models.Shop);
});
afterAll(async () => {
  await db?.connection.dropDatabase();
  await db?.close();
});

let n = 0;
async function shopIn(status: ShopStatus): Promise<string> {
  const token = `${run}-${n++}`;
  await db.models.Shop.create({
    token,
    status,
    profile: 'emailing',
    version: 1,
    webhookKeyHash: `h-${token}`,
    webhookKeyNonce: `n-${token}`,
    credentials: blob,
  });
  return token;
}
const statusOf = async (token: string) => (await db.models.Shop.findOne({ token }, { status: 1 }).lean())?.status;

const steps: Record<Exclude<keyof typeof SHOP_TRANSITIONS, 'restartInstall'>, (token: string) => Promise<unknown>> = {
  markActive: (token) => shops.markActive(token),
  markInstallFailed: (token) => shops.markInstallFailed(token, 'owner refused'),
  markUninstalled: (token) => shops.markUninstalled(token, new Date(), new Date(Date.now() + 1000)),
};

describe('shop store', () => {
  for (const [step, apply] of Object.entries(steps)) {
    const { from, to } = SHOP_TRANSITIONS[step as keyof typeof steps];
    it(`${step}: from ${from.join('/')} to ${to}; from anything else nothing changes`, async () => {
      for (const status of STATUSES) {
        const token = await shopIn(status);
        await apply(token);
        expect({ status, after: await statusOf(token) }).toEqual({
          status,
          after: (from as readonly string[]).includes(status) ? to : status,
        });
      }
    });
  }

  // Issue 18.5 (fleet): FerretDB 1.24 answers only a lone `_id` filter from an index; every other filter scans
  // every shop. The shop is read before every activity's API calls (16 reads per installed shop in the fleet
  // bench, 63 % of the worker's database time at 105 shops), so a shop created now is keyed by its token.
  it('a created shop is keyed by its token and read by `_id` alone; a shop stored before (ObjectId) is still found', async () => {
    const token = `${run}-keyed`;
    expect(
      await shops.beginInstall({
        token,
        credentials: blob,
        profile: 'emailing',
        version: 1,
        upgatesVersion: '1',
        language: 'cs',
        newWebhookKey: () => ({ nonce: 'n', hash: `hash-${token}` }),
        webhookKeyHashFor: (nonce: string) => `hash-${token}-${nonce}`,
      }),
    ).toBe('created');
    expect((await db.connection.collection('shops').findOne({ token }))?._id).toBe(token);
    const filters: unknown[] = [];
    const listener = (e: { commandName: string; command: { filter?: unknown } }) => {
      if (e.commandName === 'find') filters.push(e.command.filter);
    };
    const client = db.connection.getClient();
    client.on('commandStarted', listener);
    let found;
    try {
      found = await shops.findByToken(token, { status: 1 });
    } finally {
      client.off('commandStarted', listener);
    }
    expect(found).toMatchObject({ status: 'installing' });
    expect(filters).toEqual([{ _id: token }]);

    const legacy = await shopIn('active');
    expect((await db.connection.collection('shops').findOne({ token: legacy }))?._id).toBeInstanceOf(Types.ObjectId);
    expect(await shops.findByToken(legacy, { status: 1 })).toMatchObject({ status: 'active' });
    expect(await shops.findByToken(`${run}-nobody`)).toBeNull();
  });

  it('beginInstall: a new shop, a retry (same webhook nonce), an installed shop (credentials only), a reinstall (new nonce)', async () => {
    let nonces = 0;
    const input = (token: string) => ({
      token,
      credentials: blob,
      profile: 'emailing',
      version: 2,
      upgatesVersion: '1',
      language: 'sk',
      newWebhookKey: () => ({ nonce: `new-${nonces}`, hash: `hash-${token}-${nonces++}` }),
      webhookKeyHashFor: (nonce: string) => `hash-of-${token}-${nonce}`,
    });
    const fresh = `${run}-fresh`;
    expect(await shops.beginInstall(input(fresh))).toBe('created');
    expect(await statusOf(fresh)).toBe('installing');
    expect(await shops.beginInstall(input(fresh))).toBe('retry');
    expect(await db.models.Shop.findOne({ token: fresh }).lean()).toMatchObject({
      status: 'installing',
      webhookKeyNonce: 'new-0',
      credentialsVersion: 1,
    });

    const active = await shopIn('active');
    expect(await shops.beginInstall(input(active))).toBe('already-active');
    expect(await db.models.Shop.findOne({ token: active }).lean()).toMatchObject({
      status: 'active',
      version: 1,
      language: 'sk',
      credentialsVersion: 1,
    });

    const gone = await shopIn('uninstalled');
    expect(await shops.beginInstall(input(gone))).toBe('reinstall');
    const reinstalled = await db.models.Shop.findOne({ token: gone }).lean();
    expect(reinstalled).toMatchObject({ status: 'installing', version: 2, upgatesVersion: '1' });
    expect(reinstalled!.webhookKeyNonce).not.toBe(`n-${gone}`);
  });

  it('markUninstalled: the first call records the intent, a repeat finds it; pairAccount and rotateCredentials', async () => {
    const token = await shopIn('active');
    const now = new Date(Date.UTC(2026, 0, 1));
    const first = await shops.markUninstalled(token, now, new Date(now.getTime() + 1000));
    expect(first).toEqual({ token, uninstalledAt: now, purgeAfter: new Date(now.getTime() + 1000) });
    expect(await shops.markUninstalled(token, new Date(), new Date())).toEqual(first);
    expect(await db.models.Shop.findOne({ token }).lean()).toMatchObject({ credentials: null, credentialsVersion: 1 });

    const other = await shopIn('active');
    const accountId = new Types.ObjectId();
    await shops.pairAccount(other, accountId, 'ACME');
    await shops.rotateCredentials(other, 5, { ...blob, data: 'stale' }); // read at another version: ignored
    await shops.rotateCredentials(other, 0, { ...blob, data: 'moved' });
    expect(await db.models.Shop.findOne({ token: other }).lean()).toMatchObject({
      accountId,
      projectName: 'ACME',
      credentialsVersion: 1,
      credentials: { data: 'moved' },
    });
  });
});
