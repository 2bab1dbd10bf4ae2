// Vendor tokens and idempotency records on FerretDB (issue 14.6): the CLI creates, lists and revokes;
// two tokens are valid at once (rotation); only digests are stored; concurrent claims of one key yield
// exactly one winner (the unique index), which is what keeps a retry from writing twice.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVendorTokenCli } from '../../src/cli/vendor-token.js';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createVendorIdempotencyStore } from '../../src/db/vendor-idempotency-store.js';
import { verifyVendorToken } from '../../src/db/vendor-tokens.js';
import { testConfig } from '../helpers/test-config.js';

let db: Database;
let mongoUri: string;
beforeAll(async () => {
  mongoUri = testConfig('vtokens').mongodbUri;
  db = await connectDatabase(mongoUri);
});
afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
});

const tokenOf = (output: string) => output.split('\n')[1]!;

describe('vendor-token CLI', () => {
  it('create (scoped and all), list, rotate, revoke; the stored documents hold no token', async () => {
    const old = await runVendorTokenCli(['create', '--name', 'warehouse', '--shops', 'shop-a,shop-b'], db.models.VendorToken);
    expect(old.code).toBe(0);
    const oldToken = tokenOf(old.output);
    const rotated = await runVendorTokenCli(['create', '--name', 'warehouse 2026', '--shops', 'shop-a,shop-b'], db.models.VendorToken);
    const newToken = tokenOf(rotated.output);
    // Both valid during the switch-over.
    expect(await verifyVendorToken(db.models.VendorToken, oldToken)).toMatchObject({ shops: ['shop-a', 'shop-b'] });
    expect(await verifyVendorToken(db.models.VendorToken, newToken)).toMatchObject({ shops: ['shop-a', 'shop-b'] });
    const oldId = (await verifyVendorToken(db.models.VendorToken, oldToken))!.id;
    expect(await runVendorTokenCli(['revoke', oldId], db.models.VendorToken)).toEqual({ code: 0, output: `revoked ${oldId}\n` });
    expect(await verifyVendorToken(db.models.VendorToken, oldToken)).toBeUndefined();
    expect(await verifyVendorToken(db.models.VendorToken, newToken)).toBeDefined();
    expect((await runVendorTokenCli(['revoke', oldId], db.models.VendorToken)).code).toBe(1);

    const all = await runVendorTokenCli(['create', '--name', 'carrier', '--all'], db.models.VendorToken);
    expect(await verifyVendorToken(db.models.VendorToken, tokenOf(all.output))).toMatchObject({ shops: null });

    const listed = await runVendorTokenCli(['list'], db.models.VendorToken);
    expect(listed.output).toMatch(new RegExp(`${oldId} +revoked`));
    expect(listed.output).toMatch(/active {2}carrier {2}all shops/);
    const raw = JSON.stringify(await db.models.VendorToken.find({}).lean());
    for (const token of [oldToken, newToken, tokenOf(all.output)]) {
      expect(raw).not.toContain(token);
      expect(listed.output).not.toContain(token);
    }
  });

  it('refuses bad usage with exit code 2 and creates nothing', async () => {
    const before = await db.models.VendorToken.countDocuments();
    for (const argv of [
      [],
      ['create'],
      ['create', '--name', 'x'],
      ['create', '--name', 'x', '--all', '--shops', 'a'],
      ['create', '--name', 'x', '--shops', ','],
      ['revoke'],
    ]) {
      expect((await runVendorTokenCli(argv, db.models.VendorToken)).code).toBe(2);
    }
    expect(await db.models.VendorToken.countDocuments()).toBe(before);
  });

  it('npm run vendor-token -- list runs as a script against MONGODB_URI', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'vendor-token', '--', 'list'], {
      env: { ...process.env, MONGODB_URI: mongoUri, NODE_ENV: 'test' },
    });
    expect(stdout).toMatch(/carrier {2}all shops/);
  });
});

describe('idempotency store', () => {
  it('8 concurrent claims of one key: exactly one wins; the rest see it pending, then done', async () => {
    const store = createVendorIdempotencyStore(db.models.VendorIdempotency);
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claim('shop-a', 'vendor:stock:k', 'stock', 'fp')));
    expect(claims.filter((c) => c.state === 'new')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'pending')).toHaveLength(7);
    await store.complete('shop-a', 'vendor:stock:k', { ok: true, results: [{ code: 'X', updated_yn: true }] });
    expect(await store.claim('shop-a', 'vendor:stock:k', 'stock', 'fp')).toEqual({
      state: 'done',
      fingerprint: 'fp',
      result: { ok: true, results: [{ code: 'X', updated_yn: true }] },
    });
    // Keys are per shop.
    expect(await store.claim('shop-b', 'vendor:stock:k', 'stock', 'fp')).toEqual({ state: 'new' });
  });
});

describe('idempotency indexes', () => {
  it('the collection has the unique shop + key index', async () => {
    const indexes = await db.models.VendorIdempotency.collection.indexes();
    expect(indexes.find((i) => i.unique && i.key.shopToken === 1 && i.key.key === 1)).toBeDefined();
  });
});
