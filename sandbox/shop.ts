// One simulated e-shop: its data, the add-on's API access (credentials and granted accesses), registered
// webhooks, conversion codes, vouchers, rate-limit counters and the switch that "moves" it to another server.
import { randomBytes } from 'node:crypto';
import { RESOURCES, type Access } from '../src/upgates/resources.js';
import type { SandboxContext } from './context.js';
import { generateShop } from './data/generate.js';
import type { ShopData } from './data/model.js';
import * as m from './data/mutate.js';
import { renderCategory, renderCustomer, renderOrder, renderOrderStatus, renderProduct } from './data/render.js';
import { Rng, hashSeed } from './prng.js';
import type {
  ConversionCodeRecord,
  CreateShopOptions,
  Credentials,
  MutationResult,
  MutationSpec,
  Tariff,
  UsageCounters,
  VoucherRecord,
  WebhookRecord,
} from './types.js';

type Json = Record<string, unknown>;
let shopCounter = 0;

export class ShopState {
  readonly token: string;
  readonly projectName: string;
  readonly tariff: Tariff;
  grantedAccesses: Access[] | 'all';
  readonly store: ShopData;
  credentials?: Credentials;
  installed = false;
  /** Add-on version the shop runs (set by install / version change). */
  version = 0;
  /** Current base path; changes when the shop is "moved". */
  apiPrefix = '/api/v2';
  webhookList: WebhookRecord[] = [];
  conversionCodeList: ConversionCodeRecord[] = [];
  voucherList: VoucherRecord[] = [];
  usage: UsageCounters = {
    perDay: {},
    total: 0,
    hourWindowStart: 0,
    hourUsed: 0,
    dayWindowStart: 0,
    dayUsed: 0,
    rejected429: 0,
    monitorToday: 0,
    monitorAlert: false,
    monitorAlertDays: [],
  };
  inFlight = 0;
  maxInFlight = 0;
  /**
   * Test switch: order numbers that GET /orders answers with a schema-breaking field (`last_update_time` as a
   * number), as one record Upgates sends in an unexpected shape. Delete the number to "fix" the record.
   */
  readonly corruptOrders = new Set<string>();
  private readonly mutationRng: Rng;

  constructor(
    private readonly ctx: SandboxContext,
    o: CreateShopOptions,
  ) {
    shopCounter++;
    const seed = o.seed ?? 1;
    this.token = o.token ?? `shop-${seed}-${shopCounter}`;
    this.projectName = o.projectName ?? `sandbox-shop-${shopCounter}`;
    this.tariff = o.tariff ?? 'gold';
    this.grantedAccesses = o.grantedAccesses ?? 'all';
    this.store = generateShop({
      seed,
      projectName: this.projectName,
      languages: o.languages ?? ['cs', 'sk', 'en'],
      orders: o.orders ?? 250,
      products: o.products ?? 120,
      customers: o.customers ?? 100,
      categories: o.categories ?? 12,
      ordersSpreadDays: o.ordersSpreadDays ?? 90,
      now: ctx.clock.now(),
    });
    ctx.clock.observe(ctx.clock.now());
    this.mutationRng = new Rng(hashSeed(seed, 'mutations'));
  }

  get apiUrl(): string {
    return `${this.ctx.url}${this.apiPrefix}`;
  }

  // ---- access ----

  isGranted(a: Access): boolean {
    return this.grantedAccesses === 'all' || this.grantedAccesses.includes(a);
  }

  /** New API access for the add-on (install). A fresh random login/key unless `reuse` and one exists. */
  issueCredentials(reuse = false): Credentials {
    if (reuse && this.credentials) {
      this.credentials = { ...this.credentials, apiUrl: this.apiUrl };
      return this.credentials;
    }
    this.revokeCredentials();
    const apiUser = `addon-${this.token}-${randomBytes(4).toString('hex')}`;
    this.credentials = { apiUser, apiKey: randomBytes(20).toString('hex'), apiUrl: this.apiUrl };
    this.ctx.credentials.set(apiUser, this);
    this.ctx.revoked.delete(apiUser);
    return this.credentials;
  }

  /**
   * The owner regenerated the add-on's API key in the admin: same login, new key. The add-on's stored key
   * gets 401 until a new activation hands it the new one. Webhooks stay (they belong to the login).
   */
  changeApiKey(): void {
    if (this.credentials) this.credentials = { ...this.credentials, apiKey: randomBytes(20).toString('hex') };
  }

  /** Uninstall: the access is deleted (401 afterwards) and everything bound to it goes too. */
  revokeCredentials(): void {
    const c = this.credentials;
    if (!c) return;
    this.ctx.credentials.delete(c.apiUser);
    this.ctx.revoked.add(c.apiUser);
    for (const w of this.webhookList.filter((x) => x.owner === c.apiUser)) this.ctx.onWebhookGone(w.id);
    this.webhookList = this.webhookList.filter((x) => x.owner !== c.apiUser);
    this.conversionCodeList = this.conversionCodeList.filter((x) => x.owner !== c.apiUser);
    this.credentials = undefined;
  }

  /** Simulate a server migration: old base URL answers 301 `{api_url}`; the new one works. */
  setMoved(newPrefix?: string): void {
    this.apiPrefix = newPrefix ?? `/moved/${this.token}-${randomBytes(3).toString('hex')}/api/v2`;
    if (this.credentials) this.credentials = { ...this.credentials, apiUrl: this.apiUrl };
  }

  deactivateWebhook(id: number): void {
    const w = this.webhookList.find((x) => x.id === id);
    if (!w) return;
    w.active_yn = false;
    this.ctx.onWebhookGone(id);
  }

  // ---- data ----

  get mutationContext(): m.MutationContext {
    return { data: this.store, clock: this.ctx.clock, emit: (e) => this.ctx.onChange(this, e), rng: this.mutationRng };
  }

  mutate(spec: MutationSpec): MutationResult {
    return m.mutate(this.mutationContext, spec);
  }
  updateOrder(orderNumber: string, patch: Json): m.WriteResult {
    return m.updateOrder(this.mutationContext, orderNumber, patch, 'orders[0]', false);
  }
  createOrder(input?: Json): string {
    return m.createOrder(this.mutationContext, input).num;
  }
  deleteOrder(orderNumber: string): boolean {
    return m.deleteOrder(this.mutationContext, orderNumber);
  }
  updateProduct(code: string, patch: Json): m.WriteResult {
    return m.updateProduct(this.mutationContext, { ...patch, code });
  }
  createProduct(input?: Json): string {
    return m.createProduct(this.mutationContext, input).code;
  }
  deleteProduct(code: string): boolean {
    return m.deleteProduct(this.mutationContext, code);
  }
  updateCustomer(email: string, patch: Json): m.WriteResult {
    const login = { ...((patch.login as Json | undefined) ?? {}), email };
    return m.updateCustomer(this.mutationContext, { ...patch, login });
  }
  createCustomer(input?: Json): string | undefined {
    return m.createCustomer(this.mutationContext, input).customer?.email;
  }
  deleteCustomer(email: string): boolean {
    const c = m.findCustomer(this.store, email);
    if (!c) return false;
    m.deleteCustomer(this.mutationContext, c);
    return true;
  }

  /** Current records rendered exactly as the API returns them (not deleted), for "MongoDB equals the shop" checks. */
  get data(): ShopDataView {
    const d = this.store;
    return {
      get orders() {
        return d.orders.filter((o) => !o.deleted).map((o) => renderOrder(d, o));
      },
      get products() {
        return d.products.filter((p) => !p.deleted).map((p) => renderProduct(d, p));
      },
      get customers() {
        return d.customers.filter((c) => !c.deleted).map((c) => renderCustomer(d, c));
      },
      get categories() {
        return d.categories.filter((c) => !c.deleted).map((c) => renderCategory(d, c));
      },
      get orderStatuses() {
        return d.catalog.orderStatuses.map((s) => renderOrderStatus(s, d.languages));
      },
      shipments: d.catalog.shipments,
      payments: d.catalog.payments,
      parameters: d.catalog.parameters,
      languages: d.catalog.languages,
      owner: d.catalog.owner,
      config: d.catalog.config,
      emailsSent: d.emailsSent,
      order: (n: string) => {
        const o = m.findOrder(d, n);
        return o ? renderOrder(d, o) : undefined;
      },
      product: (code: string) => {
        const p = m.findProduct(d, code);
        return p ? renderProduct(d, p) : undefined;
      },
      customer: (email: string) => {
        const c = m.findCustomer(d, email);
        return c ? renderCustomer(d, c) : undefined;
      },
      counts: () => ({
        orders: d.orders.filter((o) => !o.deleted).length,
        products: d.products.filter((p) => !p.deleted).length,
        customers: d.customers.filter((c) => !c.deleted).length,
        categories: d.categories.filter((c) => !c.deleted).length,
      }),
    };
  }

  get webhooks(): WebhookRecord[] {
    return this.webhookList;
  }
  get conversionCodes(): ConversionCodeRecord[] {
    return this.conversionCodeList;
  }
  get vouchers(): VoucherRecord[] {
    return this.voucherList;
  }

  /** Short summary for introspection and the CLI (never the API key). */
  summary(showSecrets = false): Json {
    return {
      token: this.token,
      projectName: this.projectName,
      tariff: this.tariff,
      installed: this.installed,
      version: this.version,
      apiUrl: this.apiUrl,
      apiUser: this.credentials?.apiUser ?? null,
      ...(showSecrets ? { apiKey: this.credentials?.apiKey ?? null } : {}),
      grantedAccesses: this.grantedAccesses,
      counts: this.data.counts(),
      webhooks: this.webhookList.length,
      maxConcurrency: this.maxInFlight,
      usage: this.usage,
    };
  }
}

export interface ShopDataView {
  readonly orders: Json[];
  readonly products: Json[];
  readonly customers: Json[];
  readonly categories: Json[];
  readonly orderStatuses: Json[];
  shipments: Json[];
  payments: Json[];
  parameters: Json[];
  languages: Json[];
  owner: Json;
  config: Json;
  emailsSent: ShopData['emailsSent'];
  order(orderNumber: string): Json | undefined;
  product(code: string): Json | undefined;
  customer(email: string): Json | undefined;
  counts(): Record<'orders' | 'products' | 'customers' | 'categories', number>;
}

/** All accesses, e.g. for a shop that grants only reads. */
export const allAccesses = (methods: Array<'GET' | 'POST' | 'PUT' | 'DELETE'>): Access[] =>
  RESOURCES.flatMap((r) => methods.map((mm) => `${r}:${mm}` as Access));
