// Credentials never leave the activities: after a run of installs (a duplicate with new credentials, one with
// wrong credentials, a forged one, an uninstall), every workflow history of the run, the visibility records
// (search attributes, memo), every MongoDB collection, every app log line and the HTTP answers are searched
// for the API keys and API users the sandbox issued. Real Temporal dev server and FerretDB.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { recordChaosRow } from '../chaos/chaos-table.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACT_PATHS } from '../../src/logger.js';
import { createCredentialsCipher } from '../../src/security/credentials-cipher.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { diffMirror, type MirrorDiff } from '../helpers/mirror.js';
import { leaks, serialise } from '../chaos/secret-scan.js';

describe('credentials stay out of histories, visibility, the database and logs', () => {
  let e2e: E2E;
  const logLines: string[] = [];
  // Whatever else the process prints (the Temporal SDK's own logger: worker and activity failures) is kept too.
  const consoleOutput: string[] = [];
  const originalWrites = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  beforeAll(async () => {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      consoleOutput.push(String(chunk));
      return (originalWrites.out as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      consoleOutput.push(String(chunk));
      return (originalWrites.err as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // The app's logger settings (redaction included) at the most verbose level, writing into the buffer.
    const logger = pino({ name: 'upgates-addon', level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    e2e = await startE2E('lc_secrets', { logger });
  });
  afterAll(async () => {
    await e2e?.stop();
    process.stdout.write = originalWrites.out;
    process.stderr.write = originalWrites.err;
  });

  async function waitLive(token: string) {
    return eventually(
      `shop ${token} live`,
      async () => {
        const state = await e2e.app.temporal.workflow.getHandle(shopWorkflowId(token)).query(shopStateQuery);
        return state.phase === 'live' ? state : undefined;
      },
      90_000,
    );
  }

  it('no API key or API user of any shop appears anywhere the app writes', async () => {
    const secrets: string[] = [];
    const answers: unknown[] = [];
    const statuses: number[] = [];
    const collect = <R extends { request: Record<string, unknown>; body: unknown; status?: number }>(r: R): R => {
      for (const field of ['apiKey', 'apiUser'] as const)
        if (typeof r.request[field] === 'string') secrets.push(r.request[field] as string);
      answers.push(r.body);
      if (r.status !== undefined) statuses.push(r.status);
      return r;
    };
    const a = e2e.sandbox.createShop({ token: 'lc-sec-a', seed: 21, orders: 20, ordersSpreadDays: 20, grantedAccesses: 'all' });
    const c = e2e.sandbox.createShop({ token: 'lc-sec-c', seed: 23, orders: 10, ordersSpreadDays: 20, grantedAccesses: 'all' });

    expect(collect(await e2e.sandbox.lifecycle.install(a.token, { addonUrl: e2e.addonUrl })).body).toEqual({ error: false, message: '' });
    await waitLive(a.token);
    // A duplicate activation with fresh credentials: both the old and the new key must stay hidden.
    expect(collect(await e2e.sandbox.lifecycle.install(a.token, { addonUrl: e2e.addonUrl })).body).toEqual({ error: false, message: '' });
    // Webhook traffic so the shop workflow fetches with the (new) credentials.
    a.mutate({ orders: { update: 3, create: 1 } });
    let mirrored: MirrorDiff | undefined;
    await eventually('webhook changes mirrored', async () => {
      mirrored = await diffMirror(e2e.app.db, a, 'orders');
      return mirrored.missing.length + mirrored.stale.length + mirrored.extra.length === 0;
    });

    // Wrong credentials: the install workflow fails on /owner and answers an error (its history holds the failure).
    const b = e2e.sandbox.createShop({ token: 'lc-sec-b', seed: 22, orders: 5, grantedAccesses: 'all' });
    const time = new Date().toISOString();
    const wrong = {
      token: b.token,
      version: 2,
      apiUser: 'lc-sec-b-wrong-user',
      apiKey: 'lc-sec-b-wrong-key-8f3a9c',
      apiUrl: `${e2e.sandbox.url}/api/v2`,
      current_admin_language: 'cs',
      time,
    };
    const signature_v2 = e2e.sandbox.lifecycle.sign([
      wrong.token,
      wrong.apiUser,
      wrong.apiKey,
      wrong.apiUrl,
      time,
      e2e.sandbox.signatureToken,
    ]);
    const res = await fetch(`${e2e.addonUrl}/upgates/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...wrong, signature_v2 }),
    });
    collect({ request: wrong, body: await res.json(), status: res.status });
    expect(answers.at(-1)).toMatchObject({ error: true });
    await eventually(
      'install marked failed',
      async () => (await e2e.app.db.models.Shop.findOne({ token: b.token }).lean())?.status === 'failed',
    );
    // A forged activation (rejected before anything is stored) still carried credentials in its body.
    expect(collect(await e2e.sandbox.lifecycle.install(b.token, { addonUrl: e2e.addonUrl, otherKey: true })).status).toBe(401);

    // Install, then uninstall: the uninstall workflow's history is searched too.
    expect(collect(await e2e.sandbox.lifecycle.install(c.token, { addonUrl: e2e.addonUrl })).body).toEqual({ error: false, message: '' });
    await waitLive(c.token);
    const uninstalled = await e2e.sandbox.lifecycle.uninstall(c.token, { addonUrl: e2e.addonUrl });
    statuses.push(uninstalled.status);
    expect(uninstalled.status).toBe(200);
    await eventually(
      'shop c workflow completed',
      async () => (await e2e.app.temporal.workflow.getHandle(shopWorkflowId(c.token)).describe()).status.name === 'COMPLETED',
    );
    // The open answer (an iframe URL) must not carry credentials either.
    const opened = await e2e.sandbox.lifecycle.open(a.token, { addonUrl: e2e.addonUrl });
    statuses.push(opened.status);
    answers.push(opened.body);

    expect(secrets.length).toBe(10); // 5 activations x (apiKey, apiUser)
    expect(new Set(secrets).size).toBe(10);

    // --- every workflow of this test's task queue, with its full history ---
    const histories: string[] = [];
    const ids: string[] = [];
    for await (const wf of e2e.app.temporal.workflow.list({ query: `TaskQueue = '${e2e.app.config.temporal.taskQueue}'` })) {
      ids.push(wf.workflowId);
      const handle = e2e.app.temporal.workflow.getHandle(wf.workflowId, wf.runId);
      histories.push(serialise({ info: wf, described: await handle.describe(), history: await handle.fetchHistory() }));
    }
    // install + shop per installed shop, install for b, uninstall for c (a's install ran once more: two runs).
    for (const id of ['install:lc-sec-a', 'shop:lc-sec-a', 'install:lc-sec-b', 'install:lc-sec-c', 'shop:lc-sec-c', 'uninstall:lc-sec-c'])
      expect(ids).toContain(id);
    const historyText = histories.join('\n');
    // Positive control: payloads are decoded (the install input is JSON bytes), so a secret in one would show.
    // (First run of this test failed exactly here: fetchHistory() gives payload data as base64 strings.)
    expect(historyText.includes('\\"shopToken\\":\\"lc-sec-a\\"')).toBe(true);
    expect(historyText.includes('activate it again')).toBe(true); // the failure answer for shop b, from a payload
    // Proof the detector works on this pipeline: a payload carrying a key is caught.
    expect(leaks(serialise({ payload: { data: new TextEncoder().encode(JSON.stringify({ apiKey: secrets[0] })) } }), secrets)).toEqual([
      secrets[0],
    ]);
    expect(leaks(historyText, secrets)).toEqual([]);

    // --- MongoDB: every document of every collection; the key exists only as ciphertext ---
    const collections = await e2e.app.db.connection.db!.listCollections().toArray();
    let documents = 0;
    let documentLeaks = 0;
    for (const { name } of collections) {
      const docs = await e2e.app.db.connection.db!.collection(name).find({}).toArray();
      documents += docs.length;
      documentLeaks += leaks(serialise(docs), secrets).length;
      expect({ name, leaks: leaks(serialise(docs), secrets) }).toEqual({ name, leaks: [] });
    }
    expect(documents).toBeGreaterThan(20);
    const stored = await e2e.app.db.models.Shop.findOne({ token: a.token }).lean();
    expect(Object.keys(stored!.credentials as object).sort()).toEqual(['data', 'iv', 'tag', 'v']);
    const plain = createCredentialsCipher(e2e.app.config.appSecret).decrypt(stored!.credentials as never, a.token);
    expect(plain.apiKey).toBe(secrets[2]); // the newest key of shop a, recoverable only with the app secret
    expect((await e2e.app.db.models.Shop.findOne({ token: c.token }).lean())?.credentials).toBeNull();

    // --- logs and HTTP answers ---
    const logText = logLines.join('');
    expect(logText).toContain('rejected callback with an invalid signature'); // the buffer does receive app logs
    expect(leaks(logText, secrets)).toEqual([]);
    const consoleText = consoleOutput.join('');
    expect(consoleText).toContain('CredentialsRejected'); // the SDK logged shop b's failed owner read here
    expect(leaks(consoleText, secrets)).toEqual([]);
    expect(leaks(serialise(answers), secrets)).toEqual([]);
    recordChaosRow({
      scenario: 'secrets searched in every workflow history, MongoDB document, log line and callback answer',
      tries: histories.length + documents + answers.length,
      // Shop a's orders after the webhook traffic under the new credentials (the mirror check above).
      recordsLost: mirrored!.missing.length + mirrored!.stale.length,
      duplicates: null,
      // Callback answers with a 5xx (the sandbox driver's and our own signed request's statuses).
      serverErrors: statuses.filter((status) => status >= 500).length,
      secretsFound:
        documentLeaks +
        leaks(historyText, secrets).length +
        leaks(logText, secrets).length +
        leaks(consoleText, secrets).length +
        leaks(serialise(answers), secrets).length,
      note: `${secrets.length} keys/users, ${histories.length} histories, ${documents} documents, ${logLines.length} log lines, ${statuses.length} callback answers`,
    });
    console.log(
      `searched ${histories.length} workflow executions, ${collections.length} collections (${documents} documents), ${logLines.length} app log lines, ${consoleOutput.length} console writes`,
    );
  });
});
