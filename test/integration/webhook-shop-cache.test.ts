// Issue 18.1: the webhook route finds the shop of a URL key without a database query per delivery, and the
// per-delivery checks keep their meaning: an uninstalled shop's delivery is acknowledged and starts nothing, a
// key replaced by a reinstall is refused (404), in this process at once and in every other process within
// about a second. Real FerretDB and Temporal dev server; the API alone (no worker), so every accepted delivery
// stays as a signal in the shop workflow's history, where the test reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createWebhookUrlKeys } from '../../src/shops/webhook-url-key.js';
import { createWebhookShopCache } from '../../src/http/webhooks/webhook-shop-cache.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { latestVersion } from '../../src/profiles/index.js';
import { webhookSignal } from '../../workflows/messages.js';
import type { WebhookBatch } from '../../workflows/lib/pending-set.js';
import type { Config } from '../../src/config.js';
import { eventually } from '../helpers/e2e-env.js';
import { testConfig } from '../helpers/test-config.js';

describe('webhook shop lookup without a query per delivery', () => {
  let runtime: Runtime;
  let config: Config;
  let keys: ReturnType<typeof createWebhookUrlKeys>;
  /** Shop reads by webhook key hash that reached mongoose (its debug hook sees every collection call). */
  const keyLookups: string[] = [];

  beforeAll(async () => {
    config = testConfig('webhook_cache');
    runtime = await startRuntime(config, { role: 'api' });
    keys = createWebhookUrlKeys(config.appSecret, config.publicUrl);
    runtime.db.connection.set('debug', (collection: string, method: string, query: unknown) => {
      if (collection === 'shops' && (query as { webhookKeyHash?: unknown } | null)?.webhookKeyHash !== undefined) keyLookups.push(method);
    });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  /** A shop stored as postInstall stores it (today's key form: HMAC of token and nonce, looked up by its hash). */
  async function createShop(token: string) {
    const nonce = keys.newNonce();
    const key = keys.keyFor(token, nonce);
    await runtime.db.models.Shop.create({
      token,
      status: 'active',
      profile: config.profile,
      version: latestVersion(config.profile),
      webhookKeyNonce: nonce,
      webhookKeyHash: keys.hash(key),
    });
    return key;
  }
  let nextId = 0;
  async function deliver(key: string) {
    const id = `o-${++nextId}`;
    const res = await fetch(`${runtime.url}/upgates/webhooks/${key}?event=Orders.update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders: [{ order_number: id, last_update_time: '2025-01-01T10:00:00+01:00' }] }),
    });
    return { id, status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async function signalledIds(token: string): Promise<string[]> {
    const history = await runtime.temporal.workflow.getHandle(shopWorkflowId(token)).fetchHistory();
    const ids: string[] = [];
    for (const event of history.events ?? []) {
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal?.signalName !== webhookSignal.name) continue;
      const data = signal.input!.payloads![0]!.data!;
      for (const batch of JSON.parse(Buffer.from(data).toString('utf8')) as WebhookBatch[]) ids.push(...batch.items.map((i) => i.id));
    }
    return ids;
  }

  it("reads the shop once for many deliveries to a key of today's form, and every accepted id reaches the workflow", async () => {
    const key = await createShop('cache-a');
    const before = keyLookups.length;
    const first = await deliver(key);
    expect(first).toMatchObject({ status: 200, body: { accepted: 1 } });
    const rest = await Promise.all(Array.from({ length: 12 }, () => deliver(key)));
    expect(rest.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(keyLookups.slice(before)).toEqual(['findOne']); // one read, for the first delivery only
    const ids = await signalledIds('cache-a');
    expect(ids.sort()).toEqual([first, ...rest].map((r) => r.id).sort());
  });

  it('an unknown key is refused with 404 and is not cached (a later shop with that key would be found)', async () => {
    const nonce = keys.newNonce();
    const key = keys.keyFor('cache-later', nonce);
    expect((await deliver(key)).status).toBe(404);
    await runtime.db.models.Shop.create({
      token: 'cache-later',
      status: 'active',
      profile: config.profile,
      version: latestVersion(config.profile),
      webhookKeyNonce: nonce,
      webhookKeyHash: keys.hash(key),
    });
    expect((await deliver(key)).status).toBe(200);
  });

  it('an uninstall written by another process: within ~1 s deliveries are acknowledged as ignored and signal nothing', async () => {
    const key = await createShop('cache-b');
    expect((await deliver(key)).status).toBe(200); // cached now
    // Another API process handled the uninstall callback: only the database tells this one.
    await runtime.db.models.Shop.updateOne({ token: 'cache-b' }, { $set: { status: 'uninstalled', credentials: null } });
    await eventually(
      'the uninstall seen by this process',
      async () => ((await deliver(key)).body.ignored === true ? true : undefined),
      5_000,
      200,
    );
    const late = await deliver(key);
    expect(late).toMatchObject({ status: 200, body: { ignored: true } });
    // Deliveries made after the uninstall was seen never reached the workflow.
    expect((await signalledIds('cache-b')).includes(late.id)).toBe(false);
  });

  it('a reinstall in another process (new key): the old key is refused (404) within ~1 s, the new one works', async () => {
    const oldKey = await createShop('cache-c');
    expect((await deliver(oldKey)).status).toBe(200);
    const nonce = keys.newNonce();
    const newKey = keys.keyFor('cache-c', nonce);
    await runtime.db.models.Shop.updateOne(
      { token: 'cache-c' },
      { $set: { status: 'installing', webhookKeyNonce: nonce, webhookKeyHash: keys.hash(newKey) } },
    );
    await eventually('the old key refused', async () => ((await deliver(oldKey)).status === 404 ? true : undefined), 5_000, 200);
    expect((await deliver(oldKey)).status).toBe(404);
    const fresh = await deliver(newKey);
    expect(fresh.status).toBe(200);
    expect(await signalledIds('cache-c')).toContain(fresh.id);
  });

  it('in the process that made the change, forget() refuses at once, without waiting for a poll', async () => {
    // A cache of its own that never polls, so only forget() can drop the entry.
    const cache = createWebhookShopCache(runtime.db.models.Shop, { hash: keys.hash, pollMs: 3_600_000 });
    try {
      const key = await createShop('cache-d');
      expect(await cache.lookup(key)).toMatchObject({ token: 'cache-d', status: 'active' });
      await runtime.db.models.Shop.updateOne({ token: 'cache-d' }, { $set: { status: 'uninstalled' } });
      expect(await cache.lookup(key)).toMatchObject({ status: 'active' }); // still cached: the proof it is a cache
      cache.forget('cache-d');
      expect(await cache.lookup(key)).toMatchObject({ status: 'uninstalled' });
      // Uninstalled shops are not cached: a reinstall keeping nothing stale is read on the next delivery.
      const lookups = cache.stats().lookups;
      await cache.lookup(key);
      expect(cache.stats().lookups).toBe(lookups + 1);
    } finally {
      cache.stop();
    }
  });
});
