// Issue 14.5 through the activity layer on FerretDB: a shop whose API origin answers 301 with a foreign
// api_url. The foreign origin records Authorization headers. The refusal is stored on the shop, later
// activities stop before any request, the iframe line names the host, and new credentials lift it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientForShop } from '../../activities/shop-context.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { createStores } from '../../src/db/stores.js';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { createLogger } from '../../src/logger.js';
import { createCredentialsCipher } from '../../src/security/credentials-cipher.js';
import { apiMoveRefusalNotice } from '../../src/shops/api-move-refusal.js';
import { UpgatesMoveRefusedError } from '../../src/upgates/api-host-policy.js';
import { MongoUsageLedger } from '../../src/upgates/usage-ledger.js';
import { testConfig } from '../helpers/test-config.js';
import { recordChaosRow } from '../chaos/chaos-table.js';

const servers: Server[] = [];
let db: Database;
let deps: ActivityDeps;
let shopCalls = 0;
const foreignAuth: string[] = [];
let shopOrigin = '';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const foreign = await listen((req, res) => {
    foreignAuth.push(req.headers.authorization ?? '(none)');
    res.setHeader('content-type', 'application/json');
    res.end('{"owner":[{"company":"attacker"}]}');
  });
  shopOrigin = await listen((_req, res) => {
    shopCalls++;
    res.statusCode = 301;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ api_url: `${foreign}/api/v2` }));
  });
  const config = testConfig('apimove');
  db = await connectDatabase(config.mongodbUri);
  deps = {
    config,
    stores: createStores(db),
    cipher: createCredentialsCipher(config.appSecret),
    ledger: new MongoUsageLedger(db.connection),
    logger: createLogger('silent'),
  } as unknown as ActivityDeps;
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function createShop(token: string, apiUrl: string) {
  await db.models.Shop.create({
    token,
    status: 'active',
    profile: 'expedition',
    version: 1,
    credentials: deps.cipher.encrypt({ apiUser: 'u', apiKey: 'secret-key-123', apiUrl }, token),
    webhookKeyHash: `h-${token}`,
    webhookKeyNonce: 'n',
  });
}

describe('refused shop move (issue 14.5)', () => {
  it('stores the refusal, stops later calls without a request, and names the host in the iframe', async () => {
    await createShop('move-a', `${shopOrigin}/api/v2`);
    const { client } = await clientForShop(deps, 'move-a');
    await expect(client.getOwner()).rejects.toBeInstanceOf(UpgatesMoveRefusedError);
    expect(foreignAuth).toEqual([]);
    expect(shopCalls).toBe(1);

    const shop = await db.models.Shop.findOne({ token: 'move-a' }).lean();
    expect(shop?.apiMoveRefused?.host).toMatch(/^127\.0\.0\.1:\d+$/);
    // The stored credentials still name the original URL: the foreign one was never stored.
    expect(deps.cipher.decrypt(shop!.credentials as never, 'move-a').apiUrl).toBe(`${shopOrigin}/api/v2`);

    // Every later activity stops before sending anything.
    await expect(clientForShop(deps, 'move-a')).rejects.toMatchObject({ type: 'ApiMoveRefused', nonRetryable: true });
    expect(shopCalls).toBe(1);
    expect(apiMoveRefusalNotice(shop!, 'en')).toContain(shop!.apiMoveRefused!.host!);

    // A new activation (new credentials) lifts it.
    await db.models.Shop.updateOne({ token: 'move-a' }, { $inc: { credentialsVersion: 1 } });
    await expect(clientForShop(deps, 'move-a')).resolves.toBeDefined();
  });

  it('counted: N shops told to move to a foreign host, each tried twice more; the foreign host gets nothing', async () => {
    const shops = 5;
    const callsBefore = shopCalls;
    let stoppedBeforeSending = 0;
    for (let i = 0; i < shops; i++) {
      await createShop(`move-n${i}`, `${shopOrigin}/api/v2`);
      const { client } = await clientForShop(deps, `move-n${i}`);
      await expect(client.getOwner()).rejects.toBeInstanceOf(UpgatesMoveRefusedError);
      for (let retry = 0; retry < 2; retry++) {
        const refused = await clientForShop(deps, `move-n${i}`).then(
          () => false,
          (err: { type?: string }) => err.type === 'ApiMoveRefused',
        );
        if (refused) stoppedBeforeSending++;
      }
    }
    expect(foreignAuth).toEqual([]);
    expect(shopCalls - callsBefore).toBe(shops);
    expect(stoppedBeforeSending).toBe(shops * 2);
    recordChaosRow({
      scenario: '14.5 301 with a foreign api_url (credential theft)',
      tries: shops,
      recordsLost: 0,
      duplicates: 0,
      serverErrors: 0,
      secretsFound: foreignAuth.length,
      note: `Authorization headers at the foreign host: ${foreignAuth.length}; later activities stopped before any request: ${stoppedBeforeSending}/${shops * 2}`,
    });
  });
});
