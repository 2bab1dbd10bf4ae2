// Typed Upgates API v2 client for one shop. Construct it inside an activity with freshly decrypted credentials;
// it never logs them. All requests share the process-wide per-shop concurrency cap, the usage ledger and the
// typed errors of http.ts; writes are batched (≤ 100 items, halved on 413), reads by id chunked (≤ 100 ids).
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { ApiHostPolicy } from './api-host-policy.js';
import { chunk, sendInBatches, uniqueIds } from './batching.js';
import { UpgatesHttp, type CallOptions, type UpgatesCredentials } from './http.js';
import type { Page } from './pagination.js';
import { collectPages } from './pagination.js';
import type { Query } from './query.js';
import { fetchByIds, getList, iteratePages, type ListOptions, type ListResponse } from './resource-requests.js';
import { access, RESOURCE_INFO, type Access, type HttpMethod, type Resource } from './resources.js';
import {
  configResponse,
  conversionCode,
  conversionCodeResult,
  customerWriteResult,
  orderWriteResult,
  ownerResponse,
  productWriteResult,
  voucherCreateResponse,
  voucherDeleteResult,
  webhookDeleteResult,
  webhookEvent,
  webhookResponse,
  type ByIdResource,
  type Category,
  type ConversionCode,
  type ConversionCodePosition,
  type ConversionCodeResult,
  type Customer,
  type CustomerWriteResult,
  type ItemOf,
  type Language,
  type ListResource,
  type Order,
  type OrderStatus,
  type OrderWriteResult,
  type Owner,
  type Parameter,
  type Payment,
  type Product,
  type ProductWriteResult,
  type Shipment,
  type ShopConfig,
  type VoucherDeleteResult,
  type Webhook,
  type WebhookDeleteResult,
  type WebhookEvent,
} from './schemas/index.js';
import { UsageGuard } from './usage-guard.js';
import type { UsageLedger } from './usage-ledger.js';
import { parseResponse } from './validate.js';

export interface CreateUpgatesClientOptions {
  /** The shop's install token: the key of the concurrency cap and of the usage ledger. */
  shopToken: string;
  credentials: UpgatesCredentials;
  /** Counts every call; also enables `priority: 'optional'` calls (checked against it). */
  ledger?: UsageLedger;
  /** Declared calls per day per access (profile manifest); an undeclared access refuses optional calls. */
  declaredCallsPerDay?: Partial<Record<Access, number>>;
  /** Called with the new base URL after a 301; persist it for the shop. The request is then retried once. */
  onMoved?: (newApiUrl: string) => Promise<void> | void;
  /** Where a 301 may move the shop (api-host-policy.ts); refused moves call `onMoveRefused` and throw. */
  apiHostPolicy?: ApiHostPolicy;
  onMoveRefused?: (refusedApiUrl: string, reason: string) => Promise<void> | void;
  /** Per-request deadline (connect + headers + body). Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** undici dispatcher; tests pass a MockAgent. Default: the shared keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** 429 waits up to this long are honoured in place (default 5 s); longer ones throw UpgatesThrottledError. */
  inlineThrottleWaitMs?: number;
  /** Wait assumed for a 429 without Retry-After (default 10 s). */
  throttleFallbackMs?: number;
  /** First 401: store the shop's "credentials rejected" latch (awaited). See http.ts. */
  onCredentialsRejected?: () => Promise<void> | void;
  /** Tell "access not granted" from "login blocked" on a 403 (one extra always-allowed call). See http.ts. */
  classifyForbidden?: boolean;
  onAccessNotGranted?: (access: Access) => Promise<void> | void;
  onLoginBlocked?: (until: Date) => Promise<void> | void;
  /** Accesses already known not granted: refused without a request. */
  notGranted?: ReadonlySet<Access>;
  /** Login block length when the 403 names none (default 1 hour, as documented). */
  loginBlockFallbackMs?: number;
}

/** A write item: free-form fields plus the key Upgates pairs on. */
type WriteItem<K extends string> = { [P in K]: string | number } & Record<string, unknown>;
export type OrderUpdate = WriteItem<'order_number'>;
export type ProductUpdate = WriteItem<'code'>;
export type CustomerWrite = { login: { email: string } & Record<string, unknown> } & Record<string, unknown>;
export type WebhookCreate = { name: string; url: string; event: string; active_yn?: boolean };
export type WebhookUpdate = { id: string | number; name?: string; url?: string; event?: string; active_yn?: boolean };
export type ConversionCodeWrite = { position: ConversionCodePosition; language_id?: string; code: string };
export type VoucherCreate = {
  count: number;
  type: 'price' | 'percentage' | 'payment_shipment';
  currency_id: string;
  amount: number;
} & Record<string, unknown>;

export interface UpdateOrdersOptions extends CallOptions {
  /** Upgates defaults to true: a status change e-mails the customer. Always decide explicitly. */
  sendEmails: boolean;
  sendSms?: boolean;
}

export class UpgatesClient {
  constructor(private readonly http: UpgatesHttp) {}

  get shopToken(): string {
    return this.http.shopToken;
  }

  /** The base URL in use (changes after a 301). */
  get apiUrl(): string {
    return this.http.currentApiUrl;
  }

  // ---- generic -------------------------------------------------------------------------------------------

  iteratePages<R extends ListResource>(
    resource: R,
    query: Query = {},
    options: ListOptions = {},
  ): AsyncGenerator<Page<ItemOf<R>>, void, undefined> {
    return iteratePages(this.http, resource, query, options);
  }

  /** One page (`?page=n`), for callers that spread pages over activities and checkpoint between them. */
  getPage<R extends ListResource>(
    resource: R,
    page: number,
    query: Query = {},
    options: ListOptions = {},
  ): Promise<ListResponse<ItemOf<R>>> {
    return getList(this.http, resource, { ...query, page }, options);
  }

  fetchByIds<R extends ByIdResource>(resource: R, ids: readonly (string | number)[], options: ListOptions = {}): Promise<ItemOf<R>[]> {
    return fetchByIds(this.http, resource, ids, options);
  }

  // ---- shop ----------------------------------------------------------------------------------------------

  async getOwner(options: CallOptions = {}): Promise<Owner> {
    return parseResponse('owner', ownerResponse, await this.call('owner', 'GET', '/owner', options));
  }

  async getConfig(options: CallOptions = {}): Promise<ShopConfig> {
    return parseResponse('config', configResponse, await this.call('config', 'GET', '/config', options)).config;
  }

  getLanguages(options: CallOptions = {}): Promise<Language[]> {
    return collectPages(this.iteratePages('languages', {}, options));
  }

  getShipments(options: CallOptions = {}): Promise<Shipment[]> {
    return collectPages(this.iteratePages('shipments', {}, options));
  }

  getPayments(options: CallOptions = {}): Promise<Payment[]> {
    return collectPages(this.iteratePages('payments', {}, options));
  }

  // ---- orders --------------------------------------------------------------------------------------------

  /** Orders page by page; filter by time (`last_update_time_from`, `creation_time_from`) as Upgates asks. */
  listOrders(query: Query = {}, options: CallOptions = {}): AsyncGenerator<Page<Order>, void, undefined> {
    return this.iteratePages('orders', query, options);
  }

  getOrdersByNumbers(orderNumbers: readonly string[], options: CallOptions = {}): Promise<Order[]> {
    return this.fetchByIds('orders', orderNumbers, options);
  }

  updateOrders(
    orders: readonly OrderUpdate[],
    { sendEmails, sendSms = false, priority }: UpdateOrdersOptions,
  ): Promise<OrderWriteResult[]> {
    return this.writeItems(
      'orders',
      'PUT',
      'orders',
      orders,
      orderWriteResult,
      { priority },
      { send_emails_yn: sendEmails, send_sms_yn: sendSms },
    );
  }

  getOrderStatuses(options: CallOptions = {}): Promise<OrderStatus[]> {
    return collectPages(this.iteratePages('orderStatuses', {}, options));
  }

  // ---- products ------------------------------------------------------------------------------------------

  listProducts(query: Query = {}, options: CallOptions = {}): AsyncGenerator<Page<Product>, void, undefined> {
    return this.iteratePages('products', query, options);
  }

  getProductsByIds(productIds: readonly (string | number)[], options: CallOptions = {}): Promise<Product[]> {
    return this.fetchByIds('products', productIds, options);
  }

  updateProducts(products: readonly ProductUpdate[], options: CallOptions = {}): Promise<ProductWriteResult[]> {
    return this.writeItems('products', 'PUT', 'products', products, productWriteResult, options);
  }

  getParameters(query: Query = {}, options: CallOptions = {}): Promise<Parameter[]> {
    return collectPages(this.iteratePages('parameters', query, options));
  }

  // ---- categories and customers --------------------------------------------------------------------------

  listCategories(query: Query = {}, options: CallOptions = {}): AsyncGenerator<Page<Category>, void, undefined> {
    return this.iteratePages('categories', query, options);
  }

  getCategoriesByIds(ids: readonly (string | number)[], options: CallOptions = {}): Promise<Category[]> {
    return this.fetchByIds('categories', ids, options);
  }

  listCustomers(query: Query = {}, options: CallOptions = {}): AsyncGenerator<Page<Customer>, void, undefined> {
    return this.iteratePages('customers', query, options);
  }

  getCustomersByIds(ids: readonly (string | number)[], options: CallOptions = {}): Promise<Customer[]> {
    return this.fetchByIds('customers', ids, options);
  }

  createCustomers(customers: readonly CustomerWrite[], options: CallOptions = {}): Promise<CustomerWriteResult[]> {
    return this.writeItems('customers', 'POST', 'customers', customers, customerWriteResult, options);
  }

  updateCustomers(customers: readonly CustomerWrite[], options: CallOptions = {}): Promise<CustomerWriteResult[]> {
    return this.writeItems('customers', 'PUT', 'customers', customers, customerWriteResult, options);
  }

  // ---- webhooks ------------------------------------------------------------------------------------------

  listWebhooks(options: CallOptions = {}): Promise<Webhook[]> {
    return collectPages(this.iteratePages('webhooks', {}, options));
  }

  async listWebhookEvents(options: CallOptions = {}): Promise<WebhookEvent[]> {
    const body = await this.call('webhooks', 'GET', '/webhooks/events', options);
    return parseResponse('webhooks', z.looseObject({ events: z.array(webhookEvent) }), body).events;
  }

  /** Upgates takes one webhook per POST (a single object, not an array). */
  async createWebhook(webhook: WebhookCreate, options: CallOptions = {}): Promise<Webhook> {
    return parseResponse('webhooks', webhookResponse, await this.call('webhooks', 'POST', '/webhooks', options, webhook)).webhook;
  }

  /** One webhook per PUT, paired by `id` (e.g. `{ id, active_yn: true }` to re-enable a deactivated one). */
  async updateWebhook(webhook: WebhookUpdate, options: CallOptions = {}): Promise<Webhook> {
    return parseResponse('webhooks', webhookResponse, await this.call('webhooks', 'PUT', '/webhooks', options, webhook)).webhook;
  }

  /** `DELETE /webhooks?ids=1;2`; results normalise `deleted`/`deleted_yn` to `deleted`. */
  async deleteWebhooks(ids: readonly (string | number)[], options: CallOptions = {}): Promise<WebhookDeleteResult[]> {
    const schema = z.looseObject({ webhooks: z.array(webhookDeleteResult) });
    const results: WebhookDeleteResult[] = [];
    for (const batch of chunk(uniqueIds(ids))) {
      const body = await this.call('webhooks', 'DELETE', '/webhooks', options, undefined, { ids: batch });
      results.push(...parseResponse('webhooks', schema, body).webhooks);
    }
    return results;
  }

  // ---- conversion codes ----------------------------------------------------------------------------------

  async getConversionCodes(
    filter: { position?: ConversionCodePosition; languageId?: string } = {},
    options: CallOptions = {},
  ): Promise<ConversionCode[]> {
    const path = `/conversion-codes${filter.position ? `/${encodeURIComponent(filter.position)}` : ''}`;
    const body = await this.call('conversionCodes', 'GET', path, options, undefined, { language_id: filter.languageId });
    return parseResponse('conversionCodes', z.looseObject({ conversion_codes: z.array(conversionCode).default([]) }), body)
      .conversion_codes;
  }

  createConversionCodes(codes: readonly ConversionCodeWrite[], options: CallOptions = {}): Promise<ConversionCodeResult[]> {
    return this.writeItems('conversionCodes', 'POST', 'conversion_codes', codes, conversionCodeResult, options);
  }

  updateConversionCodes(codes: readonly ConversionCodeWrite[], options: CallOptions = {}): Promise<ConversionCodeResult[]> {
    return this.writeItems('conversionCodes', 'PUT', 'conversion_codes', codes, conversionCodeResult, options);
  }

  async deleteConversionCode(
    position: ConversionCodePosition,
    languageId?: string,
    options: CallOptions = {},
  ): Promise<ConversionCodeResult[]> {
    const body = await this.call('conversionCodes', 'DELETE', `/conversion-codes/${encodeURIComponent(position)}`, options, undefined, {
      language_id: languageId,
    });
    return parseResponse('conversionCodes', z.looseObject({ conversion_codes: z.array(conversionCodeResult).default([]) }), body)
      .conversion_codes;
  }

  // ---- vouchers ------------------------------------------------------------------------------------------

  /** One POST creates `count` identical coupons; Upgates chooses the codes and returns them. */
  async createVouchers(voucher: VoucherCreate, options: CallOptions = {}): Promise<string[]> {
    return parseResponse('vouchers', voucherCreateResponse, await this.call('vouchers', 'POST', '/vouchers', options, voucher)).vouchers;
  }

  async deleteVouchers(codes: readonly string[], options: CallOptions = {}): Promise<VoucherDeleteResult[]> {
    const schema = z.looseObject({ vouchers: z.array(voucherDeleteResult) });
    const results: VoucherDeleteResult[] = [];
    for (const batch of chunk(uniqueIds(codes))) {
      const body = await this.call('vouchers', 'DELETE', '/vouchers', options, undefined, { voucher_codes: batch });
      results.push(...parseResponse('vouchers', schema, body).vouchers);
    }
    return results;
  }

  // ---- plumbing ------------------------------------------------------------------------------------------

  private call(
    resource: Resource,
    method: HttpMethod,
    path: string,
    options: CallOptions,
    body?: unknown,
    query?: Query,
  ): Promise<unknown> {
    return this.http.request({ method, access: access(resource, method), path, query, body, priority: options.priority });
  }

  /** `{ ...extra, [listKey]: batch }` per ≤ 100 items; 413 halves the batch; results concatenated in order. */
  private writeItems<I, S extends z.ZodType>(
    resource: Resource,
    method: 'POST' | 'PUT',
    listKey: string,
    items: readonly I[],
    resultSchema: S,
    options: CallOptions,
    extra: Record<string, unknown> = {},
  ): Promise<z.output<S>[]> {
    const responseSchema = z.looseObject({ [listKey]: z.array(resultSchema) });
    return sendInBatches(items, async (batch) => {
      const body = await this.http.request({
        method,
        access: access(resource, method),
        path: RESOURCE_INFO[resource].path,
        body: { ...extra, [listKey]: batch },
        itemCount: batch.length,
        priority: options.priority,
      });
      return parseResponse(resource, responseSchema, body)[listKey] as z.output<S>[];
    });
  }
}

export function createUpgatesClient(options: CreateUpgatesClientOptions): UpgatesClient {
  const http = new UpgatesHttp({
    shopToken: options.shopToken,
    credentials: options.credentials,
    ledger: options.ledger,
    guard: options.ledger ? new UsageGuard(options.ledger) : undefined,
    declaredCallsPerDay: options.declaredCallsPerDay,
    onMoved: options.onMoved,
    apiHostPolicy: options.apiHostPolicy,
    onMoveRefused: options.onMoveRefused,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    dispatcher: options.dispatcher,
    inlineThrottleWaitMs: options.inlineThrottleWaitMs,
    throttleFallbackMs: options.throttleFallbackMs,
    onCredentialsRejected: options.onCredentialsRejected,
    classifyForbidden: options.classifyForbidden,
    onAccessNotGranted: options.onAccessNotGranted,
    onLoginBlocked: options.onLoginBlocked,
    notGranted: options.notGranted,
    loginBlockFallbackMs: options.loginBlockFallbackMs,
  });
  return new UpgatesClient(http);
}
