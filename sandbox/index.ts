// Public entry point of the Upgates sandbox: `startSandbox(options)` returns a running simulator of the REST API
// v2, lifecycle callbacks and webhook deliveries. See sandbox/README.md.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FailedLogins, type FailedLoginRecord } from './auth.js';
import { SandboxClock } from './clock.js';
import { type SandboxContext, silentLogger } from './context.js';
import { Faults } from './faults.js';
import { generateKeys, keysFromPem } from './keys.js';
import {
  type InstallOptions,
  LifecycleDriver,
  type OpenOptions,
  type RepeatOptions,
  type UninstallOptions,
  type VersionOptions,
} from './lifecycle-driver.js';
import { buildApp } from './server.js';
import { ShopState } from './shop.js';
import type {
  ApiCallRecord,
  CallbackResult,
  CreateShopOptions,
  DeliveryRecord,
  FaultConfig,
  ResolvedOptions,
  SandboxOptions,
} from './types.js';
import { WebhookSender } from './webhook-sender.js';

export type * from './types.js';
export type { FailedLoginRecord } from './auth.js';
export type { ShopDataView } from './shop.js';
export type { InstallOptions, OpenOptions, UninstallOptions, VersionOptions, RepeatOptions, CallbackOptions } from './lifecycle-driver.js';
export { TARIFF_LIMITS } from './rate-limit.js';
export { allAccesses } from './shop.js';

/** The programmatic face of one shop (the same object the sandbox uses internally). */
export type SandboxShop = ShopState;

export interface SandboxLifecycle {
  install(token: string, o: InstallOptions): Promise<CallbackResult>;
  open(token: string, o: OpenOptions): Promise<CallbackResult>;
  uninstall(token: string, o: UninstallOptions): Promise<CallbackResult>;
  versionChange(token: string, o: VersionOptions): Promise<CallbackResult>;
  repeat(
    kind: 'install' | 'open' | 'uninstall' | 'version',
    token: string,
    o: InstallOptions & OpenOptions & UninstallOptions & Partial<VersionOptions>,
    r: RepeatOptions,
  ): Promise<CallbackResult[]>;
  /** base64 RSA-SHA256 of values.join(';') (include the signature token yourself). */
  sign(values: string[], opts?: { otherKey?: boolean }): string;
}

export interface Sandbox {
  url: string;
  publicKeyUrl: string;
  publicKeyPem: string;
  signatureToken: string;
  /** Live options; tests may flip e.g. `config.timeoutCountsAsDelivered` or `config.duplicateRate` mid-run. */
  config: ResolvedOptions;
  clock: SandboxClock;
  createShop(opts?: CreateShopOptions): SandboxShop;
  shop(token: string): SandboxShop;
  shops(): SandboxShop[];
  lifecycle: SandboxLifecycle;
  readonly calls: ApiCallRecord[];
  clearCalls(): void;
  maxConcurrency(token: string): number;
  /** Forget failed logins (the 5/hour block) and their log. */
  clearFailedLogins(): void;
  /** Every failed login (401) so far: IP, login and sandbox time; never the key. */
  readonly failedLogins: readonly FailedLoginRecord[];
  faults: { set(tokenOrAll: string, f: FaultConfig): void; clear(tokenOrAll?: string): void };
  flushWebhooks(): Promise<void>;
  waitForDeliveriesIdle(timeoutMs?: number): Promise<void>;
  readonly deliveries: DeliveryRecord[];
  stop(): Promise<void>;
}

export function resolveOptions(o: SandboxOptions = {}): ResolvedOptions {
  return {
    timeScale: o.timeScale ?? 1,
    signatureToken: o.signatureToken ?? 'dev-signature-token',
    verifiedAddon: o.verifiedAddon ?? true,
    concurrency429RetryAfter: o.concurrency429RetryAfter ?? true,
    timeoutCountsAsDelivered: o.timeoutCountsAsDelivered ?? false,
    webhookBatchWindowMs: o.webhookBatchWindowMs ?? 50,
    maxConcurrent: o.maxConcurrent ?? 3,
    failedLoginLimit: o.failedLoginLimit ?? 5,
    failedLoginScope: o.failedLoginScope ?? 'ip',
    loginBlockRetryAfter: o.loginBlockRetryAfter ?? false,
    ownerAsArray: o.ownerAsArray ?? true,
    emptyNumberOfPages: o.emptyNumberOfPages ?? 0,
    webhookDeleteKey: o.webhookDeleteKey ?? 'deleted',
    webhookTimeoutMs: o.webhookTimeoutMs ?? 1000,
    webhookRetryIntervalMs: o.webhookRetryIntervalMs ?? 5 * 60_000,
    webhookGiveUpAfterMs: o.webhookGiveUpAfterMs ?? 12 * 3_600_000,
    webhookMaxRecords: o.webhookMaxRecords ?? 5000,
    duplicateRate: o.duplicateRate ?? 0,
    shuffle: o.shuffle ?? false,
    webhookIdsAsStrings: o.webhookIdsAsStrings ?? false,
    lifecyclePaths: {
      install: '/upgates/install',
      open: '/upgates/open',
      uninstall: '/upgates/uninstall',
      version: '/upgates/version',
      ...o.lifecyclePaths,
    },
    lifecycleTimeoutMs: o.lifecycleTimeoutMs ?? 5000,
    monitorDailyLimit: o.monitorDailyLimit ?? 60_000,
    publicKeyPath: o.publicKeyPath ?? '/signature/api.signature.pub.key',
    hangTimeoutMs: o.hangTimeoutMs ?? 10 * 60_000,
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const keys = options.keyPair ? keysFromPem(options.keyPair.privateKeyPem, options.keyPair.publicKeyPem) : generateKeys();
  let webhookId = 1;
  const ctx: SandboxContext = {
    options: resolved,
    clock: new SandboxClock(),
    logger: options.logger ?? silentLogger,
    url: '',
    shops: new Map(),
    credentials: new Map(),
    revoked: new Set(),
    calls: [],
    // The sender needs the context, so these resolve it lazily.
    onChange: (shop, e) => sender.enqueue(shop, e),
    onWebhookGone: (id) => sender.cancelWebhook(id),
    nextWebhookId: () => webhookId++,
  };
  const sender = new WebhookSender(ctx);
  const faults = new Faults(resolved.hangTimeoutMs);
  const failed = new FailedLogins(ctx);
  const lifecycle = new LifecycleDriver(ctx, keys);
  const createShop = (o: CreateShopOptions = {}): ShopState => {
    const shop = new ShopState(ctx, o);
    if (ctx.shops.has(shop.token)) throw new Error(`shop ${shop.token} already exists`);
    ctx.shops.set(shop.token, shop);
    if (o.preinstalled) {
      shop.issueCredentials();
      shop.installed = true;
    }
    return shop;
  };
  const app = buildApp({ ctx, sender, lifecycle, faults, failed, createShop, publicKeyPem: keys.publicKeyPem });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  ctx.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  ctx.logger.info({ url: ctx.url }, 'upgates sandbox listening');

  return {
    url: ctx.url,
    publicKeyUrl: `${ctx.url}${resolved.publicKeyPath}`,
    publicKeyPem: keys.publicKeyPem,
    signatureToken: resolved.signatureToken,
    config: resolved,
    clock: ctx.clock,
    createShop,
    shop(token) {
      const s = ctx.shops.get(token);
      if (!s) throw new Error(`unknown shop ${token}`);
      return s;
    },
    shops: () => [...ctx.shops.values()],
    lifecycle: {
      install: (t, o) => lifecycle.install(t, o),
      open: (t, o) => lifecycle.open(t, o),
      uninstall: (t, o) => lifecycle.uninstall(t, o),
      versionChange: (t, o) => lifecycle.versionChange(t, o),
      repeat: (kind, t, o, r) => lifecycle.repeat(kind, t, o, r),
      sign: (values, opts) => lifecycle.sign(values, opts),
    },
    get calls() {
      return ctx.calls;
    },
    clearCalls() {
      ctx.calls.length = 0;
    },
    maxConcurrency: (token) => ctx.shops.get(token)?.maxInFlight ?? 0,
    clearFailedLogins: () => failed.clear(),
    get failedLogins() {
      return failed.log;
    },
    faults: { set: (t, f) => faults.set(t, f), clear: (t) => faults.clear(t) },
    flushWebhooks: () => sender.flush(),
    waitForDeliveriesIdle: (ms) => sender.waitIdle(ms),
    get deliveries() {
      return sender.deliveries;
    },
    async stop() {
      await sender.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
