// Reconciliation slots claimed in MongoDB (issue 18.4), on FerretDB: racing installs get distinct, dense
// positions; a shop keeps its slot; uninstall frees it and the lowest hole is reused first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { reconcileSlots, type ReconcileSlots } from '../../src/db/reconcile-slots.js';
import { slotFraction } from '../../src/shops/reconcile-slot-order.js';
import { testConfig } from '../helpers/test-config.js';

let db: Database;
let slots: ReconcileSlots;
beforeAll(async () => {
  db = await connectDatabase(testConfig('slots').mongodbUri);
  slots = reconcileSlots(db.connection);
  await db.connection.collection('reconcile_slots').deleteMany({});
});
afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
});

describe('reconcile slots', () => {
  it('two workers racing over 30 installs (each callback twice) get positions 0..29, each once; a claim again keeps the slot', async () => {
    // A second connection is a second worker process: its claims race with ours through the database only.
    const otherWorker = await connectDatabase(testConfig('slots').mongodbUri.replace(/\/t_slots_[^/?]+/, `/${db.connection.name}`));
    try {
      expect(otherWorker.connection.name).toBe(db.connection.name);
      const theirs = reconcileSlots(otherWorker.connection);
      const tokens = Array.from({ length: 30 }, (_, i) => `slot-shop-${i}`);
      const claims = await Promise.all(
        tokens.flatMap((t) => [slots.claim(t), theirs.claim(t)].map((claim) => claim.then((slot) => ({ t, slot })))),
      );
      const byShop = new Map<string, number>();
      for (const { t, slot } of claims) {
        if (byShop.has(t)) expect(slot.position).toBe(byShop.get(t));
        byShop.set(t, slot.position);
        expect(slot.fraction).toBe(slotFraction(slot.position));
      }
      expect([...byShop.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(await db.connection.collection('reconcile_slots').countDocuments()).toBe(30);
      expect((await slots.claim('slot-shop-7')).position).toBe(byShop.get('slot-shop-7'));
    } finally {
      await otherWorker.close();
    }
  });

  it('uninstall frees the slot; new shops fill the lowest holes first, then continue at the end', async () => {
    const positionOf = async (t: string) => (await slots.claim(t)).position;
    const freed = [await positionOf('slot-shop-20'), await positionOf('slot-shop-3'), await positionOf('slot-shop-11')];
    for (const t of ['slot-shop-20', 'slot-shop-3', 'slot-shop-11']) await slots.release(t);
    const next = [];
    for (const t of ['new-a', 'new-b', 'new-c', 'new-d']) next.push(await positionOf(t));
    expect(next).toEqual([...freed.sort((a, b) => a - b), 30]);
  });
});
