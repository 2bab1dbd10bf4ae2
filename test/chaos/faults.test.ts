// Faults during a webhook flood, all at once: two worker processes on one task queue, FerretDB stopped and
// restarted mid-flush, and the sandbox answering 5xx, hanging, dropping connections and then a 429 storm,
// with duplicate and shuffled webhook deliveries. Proved: MongoDB converges to the sandbox record by record
// (nothing lost, stale or extra), no record was written twice with contents it already held (write-counter.ts),
// no shop ever saw more than 3 concurrent requests (sandbox log), our webhook route never answered a 5xx
// other than 503 (the sandbox's delivery log), and no credential is in a history or a MongoDB document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDb, type FerretDbServer } from '../../src/local/ferretdb-server.js';
import { healthCheckWorkflow } from '../../workflows/health-check.js';
import { startE2E, waitShopLive, type E2E } from '../helpers/e2e-env.js';
import { diffMirror } from '../helpers/mirror.js';
import { recordDriverMonitoring } from './driver-monitoring.js';
import { recordChaosRow } from './chaos-table.js';
import { searchSecrets } from './secret-scan.js';
import { countWrites, totalRewrites } from './write-counter.js';
import { killProcess, startWorkerProcess } from './worker-process.js';

const ROUNDS = process.env.CHAOS_LONG ? 12 : 4;

describe('faults during a webhook flood', () => {
  let ferret: FerretDbServer;
  let dataDir: string;
  let e2e: E2E;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chaos-ferret-'));
    ferret = await startFerretDb({ dataDir, database: 'chaos' });
    e2e = await startE2E('faults', { role: 'api', env: { MONGODB_URI: ferret.uri }, sandbox: { duplicateRate: 0.2, shuffle: true } });
    workers.push(startWorkerProcess(e2e.app.config), startWorkerProcess(e2e.app.config));
    await e2e.app.temporal.workflow.execute(healthCheckWorkflow, {
      workflowId: `faults-ready-${Date.now()}`,
      taskQueue: e2e.app.config.temporal.taskQueue,
      args: ['ready', 'yes'],
    });
  });
  afterAll(async () => {
    for (const worker of workers) await killProcess(worker);
    await e2e?.stop();
    await ferret?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('converges with nothing lost, ≤ 3 concurrent requests per shop and no 5xx but 503', { timeout: 900_000 }, async () => {
    const shops = [1, 2].map((n) =>
      e2e.sandbox.createShop({ token: `faults-${n}`, seed: 20 + n, orders: 200, ordersSpreadDays: 20, grantedAccesses: 'all' }),
    );
    for (const shop of shops)
      expect((await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl })).body).toMatchObject({ error: false });
    for (const shop of shops) await waitShopLive(e2e, shop.token, 240_000);
    const monitor = recordDriverMonitoring(e2e.app.db);
    const writes = countWrites(
      e2e.app.db,
      shops.map((s) => s.token),
      'orders',
    );

    let dbRestarts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Upgates misbehaves: a share of 5xx, hung requests, dropped connections.
      for (const shop of shops) e2e.sandbox.faults.set(shop.token, { errorRate: 0.2, hangRate: 0.05, hangTimeoutMs: 8_000, dropRate: 0.1 });
      for (const shop of shops) shop.mutate({ orders: { update: 10 } });
      await new Promise((r) => setTimeout(r, 2_500));
      if (round % 2 === 1) {
        await ferret.restart(); // mid-flush: activities and the webhook route see the database go away
        dbRestarts++;
      }
    }
    // A 429 storm with a real Retry-After, then Upgates recovers.
    for (const shop of shops) e2e.sandbox.faults.set(shop.token, { storm: { retryAfterSeconds: 3 } });
    for (const shop of shops) shop.mutate({ orders: { update: 10 } });
    await new Promise((r) => setTimeout(r, 6_000));
    e2e.sandbox.faults.clear();

    let lost = 0;
    let extra = 0;
    // The test's own reads see the restarts too (a pooled connection closed under it): a failed read is read
    // again, like the write counter's polls, for up to a minute. Twice in CI (2026-12-03) every attempt failed
    // server selection for over a minute: the driver's monitor hung on a heartbeat written to a closed socket and
    // never checked again (src/db/driver-closed-socket-guard.ts, since guarded). When reads still give up, the
    // driver's last monitoring events are printed (driver-monitoring.ts).
    const readMirror = async (shop: (typeof shops)[number]) => {
      const giveUpAt = Date.now() + 60_000;
      for (;;) {
        try {
          return await diffMirror(e2e.app.db, shop, 'orders');
        } catch (error) {
          if (Date.now() >= giveUpAt) {
            console.log(`the test's driver, last monitoring events:\n${monitor.lines().join('\n')}`);
            throw error;
          }
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    };
    for (const shop of shops) {
      let diff = await readMirror(shop);
      const deadline = Date.now() + 300_000;
      while ((diff.missing.length || diff.stale.length || diff.extra.length) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 3_000));
        diff = await readMirror(shop);
      }
      lost += diff.missing.length + diff.stale.length;
      extra += diff.extra.length;
      expect(diff.missing).toEqual([]);
      expect(diff.stale).toEqual([]);
      expect(diff.extra).toEqual([]);
      expect(e2e.sandbox.maxConcurrency(shop.token)).toBeLessThanOrEqual(3);
    }
    // Proof the counter sees a duplicate write on this store (then taken out of the figure).
    await writes.recordControlRewrite();
    const written = await writes.stop();
    const duplicates = totalRewrites(written);
    const secrets = await searchSecrets(
      e2e.app.temporal,
      e2e.app.config.temporal.taskQueue,
      e2e.app.db,
      shops.flatMap((s) => [s.credentials!.apiKey, s.credentials!.apiUser]),
    );
    const attempts = e2e.sandbox.deliveries.flatMap((d) => d.attempts);
    const serverErrors = attempts.filter((a) => a.status >= 500 && a.status !== 503).length;
    recordChaosRow({
      scenario: 'two workers + FerretDB restarts + Upgates 5xx/hangs/drops/429 storm + duplicate, shuffled webhooks',
      tries: ROUNDS + 1,
      recordsLost: lost,
      duplicates,
      serverErrors,
      secretsFound: secrets.found,
      note: `${extra} extra records; ${written.writes} writes seen in ${written.polls} polls (${written.failedPolls} failed during restarts); ${secrets.histories} histories and ${secrets.documents} documents searched; ${dbRestarts} database restarts, ${attempts.filter((a) => a.status === 503).length} deliveries answered 503 and redelivered, max concurrency ${Math.max(...shops.map((s) => e2e.sandbox.maxConcurrency(s.token)))}`,
    });
    expect(serverErrors).toBe(0);
    expect({ duplicates, examples: [...written.rewrites.keys()].slice(0, 5) }).toEqual({ duplicates: 0, examples: [] });
    expect(secrets.decoded).toBe(true);
    expect(secrets.found).toBe(0);
  });
});
