// The iframe page in a real browser (Debian chromium via playwright-core), framed by a parent page of
// ANOTHER origin the way the Upgates admin frames it. The iframe URL comes from a real, signed open
// callback sent by the sandbox. No mocks: the app runs on the real Temporal dev server and FerretDB.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { freePort } from '../../src/local/free-port.js';
import { createSessionTokens } from '../../src/security/session-token.js';
import { shopWorkflowId } from '../../src/temporal/workflow-ids.js';
import { shopStateQuery } from '../../workflows/messages.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

/** A stand-in for the Upgates admin: one page that frames whatever URL it is given. */
function parentPage(src: string): string {
  return `<!doctype html><html><head><title>Upgates admin (test)</title></head>
<body style="margin:0;background:#e9edf2;font-family:sans-serif">
<div style="height:48px;background:#243447;color:#fff;padding:14px 20px;box-sizing:border-box">Upgates admin · Doplňky</div>
<iframe id="addon" title="add-on" src="${src.replace(/"/g, '&quot;')}" style="width:100%;height:1250px;border:0;display:block"></iframe>
</body></html>`;
}

async function startParent(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? 'about:blank';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(parentPage(src));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

describe('iframe page in the Upgates admin', () => {
  let e2e: E2E;
  let parent: Server;
  let parentOrigin: string;
  let context: BrowserContext;
  let userDataDir: string;
  let shop: SandboxShop;
  /** Everything the browser received from the add-on, for the secret scan. */
  const received: Array<{ url: string; body: string; headers: string }> = [];
  const capturing: Array<Promise<void>> = [];
  const unreadable: string[] = [];

  async function openUrl(language: 'cs' | 'sk' | 'en' = 'cs'): Promise<string> {
    const opened = await e2e.sandbox.lifecycle.open(shop.token, { addonUrl: e2e.addonUrl, language });
    expect(opened.status).toBe(200);
    const body = opened.body as { url: string; type: string };
    expect(body.type).toBe('iframe');
    return body.url;
  }

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('response', (response: Response) => {
      if (!response.url().startsWith(e2e.addonUrl)) return;
      capturing.push(
        (async () => {
          const [body, headers] = await Promise.all([response.text(), response.allHeaders()]);
          received.push({ url: response.url(), body, headers: JSON.stringify(headers) });
          // A frame the browser refused to render (frame-ancestors) has no body to read: nothing was shown.
        })().catch(() => {
          unreadable.push(response.url());
        }),
      );
    });
    return page;
  }

  /** Closes a page once every response it got from the add-on was read for the secret scan. */
  async function done(page: Page): Promise<void> {
    await Promise.all(capturing);
    await page.close();
  }

  async function framed(page: Page, src: string, origin = parentOrigin) {
    const appResponse = page.waitForResponse((r) => r.url().startsWith(`${e2e.addonUrl}/app`));
    await page.goto(`${origin}/?src=${encodeURIComponent(src)}`);
    const response = await appResponse;
    const frame = page.frameLocator('#addon');
    return { frame, response };
  }

  beforeAll(async () => {
    const parentPort = await freePort();
    parentOrigin = `http://127.0.0.1:${parentPort}`;
    parent = await startParent('127.0.0.1', parentPort);
    e2e = await startE2E('iframe', {
      env: { UPGATES_ADMIN_ORIGINS: `https://*.upgates.com ${parentOrigin}`, SYNC_NOW_COOLDOWN_SECONDS: '600' },
    });
    shop = e2e.sandbox.createShop({ token: 'shop-iframe-1', seed: 8, orders: 120, ordersSpreadDays: 20, grantedAccesses: 'all' });
    const installed = await e2e.sandbox.lifecycle.install(shop.token, { addonUrl: e2e.addonUrl, language: 'cs' });
    expect(installed.body).toMatchObject({ error: false });
    await eventually(
      'shop live',
      async () => (await e2e.app.temporal.workflow.getHandle(shopWorkflowId(shop.token)).query(shopStateQuery)).phase === 'live',
      90_000,
    );
    await mkdir(SCREENSHOTS, { recursive: true });
    userDataDir = await mkdtemp(join(tmpdir(), 'iframe-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 1300 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (parent ? parent.close(() => resolve()) : resolve()));
    await e2e?.stop();
  });

  it('loads inside a frame of the allowed admin origin and shows account, progress, activity, usage and settings', async () => {
    const page = await newPage();
    const url = await openUrl('cs');
    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      const res = await fetch(url);
      await res.text();
      console.log(`GET /app answered ${res.status} in ${Date.now() - t0} ms`);
    }
    const started = Date.now();
    const { frame, response } = await framed(page, url);
    expect(response.status()).toBe(200);
    const headers = await response.allHeaders();
    expect(headers['content-security-policy']).toContain(`frame-ancestors https://*.upgates.com ${parentOrigin}`);
    expect(headers['content-security-policy']).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(headers['x-frame-options']).toBeUndefined();
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['set-cookie']).toBeUndefined();

    await expect.poll(() => frame.locator('h1').textContent()).toBe('Přehled doplňku');
    console.log(`iframe page visible ${Date.now() - started} ms after navigation`);
    const account = await e2e.app.db.models.Account.findOne({ shopTokens: shop.token }).lean();
    expect(await frame.locator('#h-account + dl').textContent()).toContain(account!.company!);
    expect(await frame.locator('#h-account + dl').textContent()).toContain('Aktivní');
    // Records per resource: the orders row shows the number of synced orders.
    const orders = await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource: 'orders', deleted: false });
    expect(orders).toBe(shop.data.orders.length);
    const ordersRow = frame.locator('tr', { has: frame.locator('th', { hasText: /^Objednávky$/ }) });
    expect((await ordersRow.textContent())?.replace(/\s/g, '')).toContain(String(orders));
    // Usage today against the declared budget, from the ledger.
    expect(await frame.locator('#usage-text').textContent()).toMatch(/z \d[\d\s]* deklarovaných volání/);
    // Carrier pairing lists every synced shipping method.
    const shipments = await e2e.app.db.models.SyncedRecord.countDocuments({ shopToken: shop.token, resource: 'shipments', deleted: false });
    expect(shipments).toBeGreaterThan(0);
    expect(await frame.locator('select[name^="carrierPairing["]').count()).toBe(shipments);
    await page.screenshot({ path: join(SCREENSHOTS, 'iframe-overview-cs.png'), fullPage: true });
    await done(page);
  });

  it('sync now: the first click is accepted, the second shows the wait', async () => {
    const page = await newPage();
    const { frame } = await framed(page, await openUrl('cs'));
    const button = frame.getByRole('button', { name: 'Synchronizovat nyní' });
    const result = frame.locator('form[action="/app/sync-now"] [data-result]');

    const first = page.waitForResponse((r) => r.url().endsWith('/app/sync-now'));
    await button.click();
    expect((await first).status()).toBe(200);
    await expect.poll(() => result.textContent()).toBe('Synchronizace byla spuštěna.');

    const second = page.waitForResponse((r) => r.url().endsWith('/app/sync-now'));
    await button.click();
    const refused = await second;
    expect(refused.status()).toBe(429);
    const json = (await refused.json()) as { accepted: boolean; reason: string; retryAfterSeconds: number };
    expect(json).toMatchObject({ accepted: false });
    expect(['running', 'cooldown']).toContain(json.reason);
    expect(json.retryAfterSeconds).toBeGreaterThan(0);
    await expect.poll(() => result.textContent()).toMatch(/(Zkuste to znovu za|Znovu ji můžete spustit za) \d+ (s|min)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'iframe-sync-now-refused.png'), fullPage: true });
    await done(page);
  });

  it('changes settings in the page and stores them in Shop.settings', async () => {
    const page = await newPage();
    const { frame } = await framed(page, await openUrl('cs'));
    const firstShipment = frame.locator('select[name^="carrierPairing["]').first();
    const name = await firstShipment.getAttribute('name');
    const shipmentId = /\[(.+)\]/.exec(name!)![1]!;
    await firstShipment.selectOption('ppl');
    const notify = frame.getByLabel('Poslat zákazníkovi e-mail při změně stavu');
    expect(await notify.isChecked()).toBe(true); // the profile default
    await notify.uncheck();

    const saved = page.waitForResponse((r) => r.url().endsWith('/app/settings'));
    await frame.getByRole('button', { name: 'Uložit nastavení' }).click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => frame.locator('form[action="/app/settings"] [data-result]').textContent()).toBe('Nastavení uloženo.');

    const stored = await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean();
    expect(stored!.settings).toMatchObject({ carrierPairing: { [shipmentId]: 'ppl' }, notifyCustomerOnStatusChange: false });
    expect(Object.keys((stored!.settings as { carrierPairing: object }).carrierPairing)).toEqual([shipmentId]);
    await page.screenshot({ path: join(SCREENSHOTS, 'iframe-settings-saved.png'), fullPage: true });

    // Reopened, the page shows the stored values.
    const again = await framed(page, await openUrl('cs'));
    await expect.poll(() => again.frame.locator(`select[name="carrierPairing[${shipmentId}]"]`).inputValue()).toBe('ppl');
    expect(await again.frame.getByLabel('Poslat zákazníkovi e-mail při změně stavu').isChecked()).toBe(false);
    await done(page);
  });

  it('rejects bad input (400, nothing changed), a missing session (401) and a foreign Origin (403)', async () => {
    const url = new URL(await openUrl('en'));
    const session = url.searchParams.get('session')!;
    const before = (await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())!.settings;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${e2e.addonUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${session}`,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body,
      });
    for (const body of [
      'carrierPairing%5B1%5D=teleport&notifyCustomerOnStatusChange=true', // unknown carrier
      'carrierPairing%5Bno-such-shipment%5D=ppl', // unknown shipping method
      'carrierPairing%5B1%5D=ppl&hacker=1', // unknown field
      'smsCustomerOnStatusChange=maybe', // not a boolean
    ]) {
      const res = await post('/app/settings', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      const json = (await res.json()) as { message: string };
      expect(json.message).toBe('Some values are not valid; nothing was changed.');
    }
    const badJson = await post('/app/settings', JSON.stringify({ settings: { notifyCustomerOnStatusChange: 'yes' } }), {
      'content-type': 'application/json',
    });
    expect(badJson.status).toBe(400);
    expect((await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())!.settings).toEqual(before);

    const noSession = await fetch(`${e2e.addonUrl}/app/sync-now`, { method: 'POST', headers: { accept: 'application/json' } });
    expect(noSession.status).toBe(401);
    const foreign = await post('/app/sync-now', '', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    // Without script, the plain form post answers the whole page with the message (same validation).
    const stored = before as { carrierPairing: Record<string, string> };
    const [id, carrier] = Object.entries(stored.carrierPairing)[0]!;
    const plain = await post('/app/settings', `session=${session}&carrierPairing%5B${id}%5D=${carrier}`, {
      accept: 'text/html',
      authorization: '',
    });
    expect(plain.status).toBe(200);
    const html = await plain.text();
    expect(html).toContain('Settings saved.');
    expect(html).toMatch(/<script nonce="[^"]+">/);
    expect((await e2e.app.db.models.Shop.findOne({ token: shop.token }).lean())!.settings).toEqual(before);
    // A session in a cookie is not a session.
    const cookie = await fetch(`${e2e.addonUrl}/app`, { headers: { cookie: `session=${session}` } });
    expect(cookie.status).toBe(401);
  });

  it('a tampered or expired session shows the friendly "open the add-on again" page (401) in the session language', async () => {
    const page = await newPage();
    const url = new URL(await openUrl('sk'));
    const session = url.searchParams.get('session')!;
    const [payload, signature] = session.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    forged.shop = 'someone-elses-shop';
    url.searchParams.set('session', `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`);

    const { frame, response } = await framed(page, url.toString());
    expect(response.status()).toBe(401);
    await expect.poll(() => frame.locator('h1').textContent()).toBe('Otvorte prosím doplnok znova');
    expect(await frame.locator('main').textContent()).toContain('z administrácie Upgates');
    await page.screenshot({ path: join(SCREENSHOTS, 'iframe-session-invalid.png'), fullPage: true });

    // Expired: validly signed an hour ago with a 60 s lifetime; the page speaks the session's language.
    const old = createSessionTokens(e2e.app.config.appSecret, 60).issue(shop.token, 'en', new Date(Date.now() - 3_600_000));
    url.searchParams.set('session', old);
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Please open the add-on again');
    const garbage = await fetch(`${e2e.addonUrl}/app?session=nonsense`);
    expect(garbage.status).toBe(401);
    expect(await garbage.text()).toContain('Otevřete prosím doplněk znovu');
    await done(page);
  });

  it('renders in English and Slovak from the session language', async () => {
    const page = await newPage();
    const { frame } = await framed(page, await openUrl('en'));
    await expect.poll(() => frame.locator('h1').textContent()).toBe('Add-on overview');
    expect(await frame.getByRole('button', { name: 'Sync now' }).count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'iframe-overview-en.png'), fullPage: true });
    const sk = await fetch(await openUrl('sk'));
    expect(await sk.text()).toContain('Prehľad doplnku');
    await done(page);
  });

  it('refuses to render inside a frame of an origin that is not the Upgates admin', async () => {
    // Control: the same parent page from the allowed origin renders the add-on; its time to the heading
    // bounds how long the blocked frame is given, so "nothing shown" cannot be a slow page.
    const controlPage = await newPage();
    const controlStarted = Date.now();
    const control = await framed(controlPage, await openUrl('cs'));
    await expect.poll(() => control.frame.locator('h1').textContent()).toBe('Přehled doplňku');
    const controlMs = Date.now() - controlStarted;
    const controlChild = controlPage.frames().find((f) => f !== controlPage.mainFrame());
    expect(controlChild?.url()).toMatch(new RegExp(`^${e2e.addonUrl}/app`));
    await done(controlPage);

    const page = await newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    // Same server, but "localhost" is a different origin than the allowed 127.0.0.1 one.
    const otherOrigin = parentOrigin.replace('127.0.0.1', 'localhost');
    const blockedStarted = Date.now();
    const { response } = await framed(page, await openUrl('cs'), otherOrigin);
    expect(response.status()).toBe(200); // served, but the browser must not show it
    // The frame exists (a missing frame cannot pass for a blocked one), and Chromium replaced the add-on's
    // document by its error page: the refusal itself, not an absence. Then it is given at least twice the
    // control's time to show the heading anyway.
    const child = () => page.frames().find((f) => f !== page.mainFrame());
    await expect.poll(() => child()?.url(), { timeout: Math.max(10_000, 3 * controlMs) }).toMatch(/^chrome-error:/);
    await page.waitForTimeout(Math.max(1_000, 2 * controlMs - (Date.now() - blockedStarted)));
    expect(child()!.url()).toMatch(/^chrome-error:/);
    const text = await child()!
      .evaluate('document.body ? document.body.innerText : ""')
      .catch(() => '');
    expect(String(text ?? '')).not.toContain('Přehled doplňku');
    expect(consoleLines.some((line) => line.includes('frame-ancestors'))).toBe(true);
    console.log(
      `control frame rendered in ${controlMs} ms; foreign-origin frame ${child()!.url()}; CSP report: ${consoleLines.find((l) => l.includes('frame-ancestors'))}`,
    );
    await done(page);
  });

  it('no API key or API user in anything the browser received from the add-on', async () => {
    await Promise.all(capturing);
    expect(received.length).toBeGreaterThan(8);
    expect(unreadable.length).toBeLessThanOrEqual(1); // only the page framed by the wrong origin
    const { apiKey, apiUser } = shop.credentials!;
    expect(apiKey.length).toBeGreaterThan(8);
    expect(apiUser.length).toBeGreaterThan(3);
    const kinds = new Set(received.map((r) => new URL(r.url).pathname));
    expect(kinds).toEqual(new Set(['/app', '/app/sync-now', '/app/settings']));
    for (const r of received) {
      for (const secret of [apiKey, apiUser]) {
        expect({ url: r.url, leaked: r.body.includes(secret) || r.headers.includes(secret) }).toEqual({ url: r.url, leaked: false });
      }
    }
    console.log(`scanned ${received.length} responses (${received.reduce((n, r) => n + r.body.length, 0)} bytes) for the API key and user`);
  });
});
