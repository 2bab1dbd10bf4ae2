// The shop workflow notes its last webhook after every flush (`noteShopSync`). FerretDB 1.24 applies an update
// by reading the whole document and writing it back, so a flush's note landing on the shop document at the
// moment an owner saved settings could write the old settings back (CI of stop 22 saw a vendor stock write go
// through right after stockSyncEnabled was turned off). The note must never touch what anyone else writes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createShopSyncNoteActivities } from '../../activities/shop-sync-notes.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { createStores } from '../../src/db/stores.js';
import { shopSyncNotes } from '../../src/db/shop-sync-notes.js';

let db: Database;
const run = `ssn${Date.now() % 100000}`;

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri').replace(/\/([^/?]+)(\?|$)/, `/t_shop_sync_note_${run}$2`));
});
afterAll(async () => {
  await db?.connection.dropDatabase();
  await db?.close();
});

describe('noteShopSync', () => {
  it('never undoes a settings write that runs at the same time (60 races)', async () => {
    const { Shop } = db.models;
    const token = `${run}-shop`;
    await Shop.create({ token, status: 'active', profile: 'fulfillment', version: 1, webhookKeyHash: `h-${token}`, webhookKeyNonce: 'n' });
    const { noteShopSync } = createShopSyncNoteActivities({ stores: createStores(db) } as unknown as ActivityDeps);
    const lost: number[] = [];
    for (let i = 0; i < 60; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      await Promise.all([
        noteShopSync({ shopToken: token, lastWebhookAt: at, lastFlushAt: at }),
        Shop.updateOne({ token }, { $set: { 'settings.round': i } }),
      ]);
      const stored = await Shop.findOne({ token }, { settings: 1 }).lean();
      if ((stored?.settings as { round?: number } | undefined)?.round !== i) lost.push(i);
    }
    expect(lost).toEqual([]);
    // The note itself is kept (newest time wins; an older note sent late does not move it back).
    await noteShopSync({ shopToken: token, lastWebhookAt: '2025-01-01T00:00:00.000Z', lastFlushAt: null });
    expect((await shopSyncNotes(db.connection).lastWebhookAt(token))?.toISOString()).toBe('2026-01-01T00:00:59.000Z');
  });
});
