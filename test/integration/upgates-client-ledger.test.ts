// The usage ledger on the real store (FerretDB 1.24 in tests): concurrent first-of-the-day upserts,
// counts per access, the operator summary.
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiUsageModel } from '../../src/db/models/api-usage.js';
import { MongoUsageLedger } from '../../src/upgates/usage-ledger.js';

let connection: Connection;
let ledger: MongoUsageLedger;
const run = `ledger-${Date.now()}`;
const at = new Date('2031-02-03T10:00:00Z');

beforeAll(async () => {
  connection = await mongoose.createConnection(inject('mongoUri'), { retryWrites: false, monitorCommands: true }).asPromise();
  await apiUsageModel(connection).init();
  ledger = new MongoUsageLedger(connection);
});

afterAll(async () => {
  await apiUsageModel(connection).deleteMany({ shopToken: { $regex: `^${run}` } });
  await connection.close();
});

describe('MongoUsageLedger', () => {
  it('counts concurrent calls exactly, one document per shop and day', async () => {
    const shop = `${run}-a`;
    await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.record(shop, i % 3 === 0 ? 'orders:PUT' : 'orders:GET', at)));
    const usage = await ledger.getUsage(shop, '2031-02-03');
    expect(usage).toEqual({ shopToken: shop, day: '2031-02-03', total: 30, counts: { 'orders:GET': 20, 'orders:PUT': 10 } });
    expect(await apiUsageModel(connection).countDocuments({ shopToken: shop })).toBe(1);
    const raw = await apiUsageModel(connection).collection.findOne({ shopToken: shop });
    expect(raw?.['counts']).toEqual({ orders_GET: 20, orders_PUT: 10 });
  });

  // Issue 18.5 (fleet): FerretDB 1.24 uses an index only for a filter that is a lone `_id`; the ledger's
  // update runs before every API call, so a filter on {shopToken, day} scanned every shop's days (a quarter
  // of the worker's database time in the fleet bench at 105 shops).
  it('writes by _id alone (<shop>:<day>), and keeps counting into a day document written before that', async () => {
    const commands: Array<{ name: string; filter: unknown }> = [];
    const listener = (e: { commandName: string; command: { updates?: Array<{ q: unknown }> } }) => {
      if (e.commandName === 'update') commands.push({ name: e.commandName, filter: e.command.updates?.[0]?.q });
    };
    connection.getClient().on('commandStarted', listener);
    const shop = `${run}-id`;
    const other = new Date('2031-03-04T10:00:00Z'); // a day of its own: the summary test counts its day's shops
    try {
      await ledger.record(shop, 'orders:GET', other);
    } finally {
      connection.getClient().off('commandStarted', listener);
    }
    expect(commands.map((c) => c.filter)).toEqual([{ _id: `${shop}:2031-03-04` }]);
    expect((await apiUsageModel(connection).collection.findOne({ shopToken: shop }))?._id).toBe(`${shop}:2031-03-04`);

    // A document of the same day from before the change (an ObjectId _id): it keeps the count, no second one.
    const legacy = `${run}-legacy`;
    await apiUsageModel(connection).collection.insertOne({ shopToken: legacy, day: '2031-03-04', counts: { orders_GET: 5 }, total: 5 });
    await Promise.all([ledger.record(legacy, 'orders:GET', other), ledger.record(legacy, 'orders:PUT', other)]);
    await ledger.record(legacy, 'orders:GET', other);
    expect(await ledger.getUsage(legacy, '2031-03-04')).toEqual({
      shopToken: legacy,
      day: '2031-03-04',
      total: 8,
      counts: { 'orders:GET': 7, 'orders:PUT': 1 },
    });
    expect(await apiUsageModel(connection).countDocuments({ shopToken: legacy })).toBe(1);
  });

  it('calls made together share one update; each resolves only once its call is stored', async () => {
    const shop = `${run}-wave`;
    const waveDay = new Date('2031-03-03T10:00:00Z'); // another day: the summary test below counts 2031-02-03
    const updates: string[] = [];
    const client = connection.getClient();
    const onStarted = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (e.commandName === 'update' && JSON.stringify(e.command).includes(shop)) updates.push(e.commandName);
    };
    client.on('commandStarted', onStarted);
    try {
      // A wave: three page requests at once, then the next wave while nothing else is pending.
      await Promise.all([
        ledger.record(shop, 'orders:GET', waveDay),
        ledger.record(shop, 'orders:GET', waveDay),
        ledger.record(shop, 'products:GET', waveDay),
      ]);
      expect((await ledger.getUsage(shop, '2031-03-03')).total).toBe(3);
      await Promise.all([ledger.record(shop, 'orders:GET', waveDay), ledger.record(shop, 'orders:GET', waveDay)]);
    } finally {
      client.off('commandStarted', onStarted);
    }
    expect(await ledger.getUsage(shop, '2031-03-03')).toEqual({
      shopToken: shop,
      day: '2031-03-03',
      total: 5,
      counts: { 'orders:GET': 4, 'products:GET': 1 },
    });
    expect(updates).toHaveLength(2);
  });

  it('days are separate and the summary adds shops up', async () => {
    await ledger.record(`${run}-b`, 'owner:GET', at);
    await ledger.record(`${run}-b`, 'owner:GET', new Date('2031-02-04T00:00:01Z'));
    const summary = await ledger.getUsageSummary('2031-02-03');
    const ours = summary.shops.filter((s) => s.shopToken.startsWith(run));
    expect(ours.map((s) => [s.shopToken, s.total])).toEqual([
      [`${run}-a`, 30],
      [`${run}-b`, 1],
    ]);
    expect(summary.byAccess['owner:GET']).toBeGreaterThanOrEqual(1);
    expect((await ledger.getUsage(`${run}-b`, '2031-02-04')).total).toBe(1);
    expect(await ledger.getUsage(`${run}-none`, '2031-02-03')).toEqual({
      shopToken: `${run}-none`,
      day: '2031-02-03',
      total: 0,
      counts: {},
    });
  });
});
