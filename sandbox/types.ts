// Public types of the sandbox. Other packages (tests, benchmarks, `npm run dev -- --sandbox`) code against these.
import type { Access, Resource } from '../src/upgates/resources.js';

export type Tariff = 'bronze' | 'silver' | 'gold' | 'platinum' | 'exclusive';
export type AdminLanguage = 'cs' | 'sk' | 'en';

/** Minimal logger shape; a pino logger fits. */
export interface SandboxLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LifecyclePaths {
  install: string;
  open: string;
  uninstall: string;
  version: string;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Multiplies webhook retry interval (5 min) and give-up window (12 h). 0.001 => 300 ms / 43.2 s. */
  timeScale?: number;
  /** The add-on's secret appended to every signed string. */
  signatureToken?: string;
  /** Verified add-on: exempt from hourly/daily limits, counted toward the 60,000/day monitor. Default true. */
  verifiedAddon?: boolean;
  /** Whether a 429 for exceeding 3 concurrent requests carries Retry-After (now + 1 s). Default true. */
  concurrency429RetryAfter?: boolean;
  /** Conflicting doc text: a webhook timeout counts as delivered (no retry). Default false. */
  timeoutCountsAsDelivered?: boolean;
  /** Events of one webhook queued within this window go out in one call. Default 50 ms. */
  webhookBatchWindowMs?: number;
  logger?: SandboxLogger;
  /** Max concurrent requests per API group. Default 3. */
  maxConcurrent?: number;
  /** Failed logins per hour before 403. Default 5. */
  failedLoginLimit?: number;
  /**
   * Documented: Upgates counts failed logins per IP, so 5 of them block every login from that IP (default 'ip').
   * 'ip+user' is an explicit opt-out for tests that fail logins on purpose and share 127.0.0.1 with other shops.
   */
  failedLoginScope?: 'ip' | 'ip+user';
  /**
   * The login-block 403 carries `Retry-After` (seconds until the block ends). Upgates documents the header on
   * 429 only, so default false; tests use it to play a block that ends soon.
   */
  loginBlockRetryAfter?: boolean;
  /** `/owner` as `{"owner":[{...}]}` (true, default) or `{"owner":{...}}`. */
  ownerAsArray?: boolean;
  /** `number_of_pages` for an empty result (undocumented). Default 0. */
  emptyNumberOfPages?: 0 | 1;
  /** Key used in DELETE /webhooks results: 2025 blueprint `deleted`, 2024 `deleted_yn`. Default 'deleted'. */
  webhookDeleteKey?: 'deleted' | 'deleted_yn';
  /** Webhook call timeout (documented 1 s; not scaled). */
  webhookTimeoutMs?: number;
  /** Unscaled retry interval and give-up window; timeScale applies on top. */
  webhookRetryIntervalMs?: number;
  webhookGiveUpAfterMs?: number;
  /** Max records per webhook call. Default 5000. */
  webhookMaxRecords?: number;
  /** Share of successful deliveries sent a second time (0..1). */
  duplicateRate?: number;
  /** Shuffle records inside a call and jitter the order of calls. */
  shuffle?: boolean;
  /** Send numeric ids in webhook payloads as strings (docs show `""` placeholders). Default false. */
  webhookIdsAsStrings?: boolean;
  lifecyclePaths?: Partial<LifecyclePaths>;
  /** Install is documented at 5 s; used for all callbacks. */
  lifecycleTimeoutMs?: number;
  /** Verified add-on monitor threshold. Default 60,000/day. */
  monitorDailyLimit?: number;
  /** Reuse a key pair (PEM) instead of generating one, e.g. to start faster. */
  keyPair?: { privateKeyPem: string; publicKeyPem: string };
  /** Where the public key is served. Default `/signature/api.signature.pub.key`. */
  publicKeyPath?: string;
  /** Default for createShop: how long a hung request stays open before the socket is destroyed. */
  hangTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<SandboxOptions, 'port' | 'host' | 'logger' | 'keyPair' | 'lifecyclePaths'>> & {
  lifecyclePaths: LifecyclePaths;
};

export interface CreateShopOptions {
  token?: string;
  seed?: number;
  orders?: number;
  products?: number;
  customers?: number;
  categories?: number;
  languages?: string[];
  tariff?: Tariff;
  grantedAccesses?: Access[] | 'all';
  projectName?: string;
  /** Orders are spread over this many days before now. Default 90. */
  ordersSpreadDays?: number;
  /** Create the add-on's API credentials right away, without an install callback. Default false. */
  preinstalled?: boolean;
}

export interface Credentials {
  apiUser: string;
  apiKey: string;
  apiUrl: string;
}

export interface ApiCallRecord {
  shopToken: string | null;
  method: string;
  path: string;
  access: Access | null;
  /** 0 when the connection was dropped or closed before an answer. */
  status: number;
  startedAt: number;
  endedAt: number;
  /** In-flight requests of the same shop including this one, when it arrived. */
  concurrencyAtStart: number;
}

export interface FaultConfig {
  /** Fixed delay or a uniform range, applied while the request holds a concurrency slot. */
  latencyMs?: number | { min: number; max: number };
  /** Share (0..1) of requests answered with a 5xx. */
  errorRate?: number;
  errorStatus?: number;
  /** Share of requests that never answer (until the client closes or hangTimeoutMs). */
  hangRate?: number;
  hangTimeoutMs?: number;
  /** Share of requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** Every request gets 429 with this Retry-After (seconds from now) until cleared or `untilMs` (sandbox clock). */
  storm?: { retryAfterSeconds: number; untilMs?: number };
  /** Seed for the fault dice (default: random). */
  seed?: number;
  /**
   * Break the shape of successful GET answers: each dotted path (`orders.0.order_number`, `owner.0.email`) that
   * exists in a body is set to `value`. For testing schema validation (`npm run doctor` names the field).
   */
  corruptFields?: Array<{ path: string; value: unknown }>;
}

export interface CallbackResult {
  status: number;
  body: unknown;
  durationMs: number;
  ok: boolean;
  reason: string;
  /** What was sent, for assertions. */
  request: Record<string, unknown>;
}

export interface DeliveryAttempt {
  at: number;
  status: number;
  durationMs: number;
  outcome: 'ok' | 'bad-status' | 'timeout' | 'network-error';
  error?: string;
}

export interface DeliveryRecord {
  id: number;
  shopToken: string;
  webhookId: number;
  event: string;
  url: string;
  body: Record<string, unknown>;
  records: number;
  duplicate: boolean;
  state: 'pending' | 'delivered' | 'abandoned' | 'cancelled';
  attempts: DeliveryAttempt[];
  firstAttemptAt: number | null;
}

export interface WebhookRecord {
  id: number;
  active_yn: boolean;
  name: string;
  url: string;
  event: string;
  last_success_call: string | null;
  last_success_call_status: number | null;
  last_error_call: string | null;
  last_error_call_status: number | null;
  creation_time: string;
  /** apiUser that created it: deleted with that access. */
  owner: string;
}

export interface ConversionCodeRecord {
  position: string;
  language_id: string;
  code: string;
  owner: string;
}

export interface VoucherRecord {
  voucher_code: string;
  active_yn: boolean;
  global_yn: boolean;
  for_products_in_action_yn: boolean;
  date_from: string | null;
  date_to: string | null;
  type: string;
  currency_id: string;
  amount: number;
  used_from: number;
  note: string | null;
  creation_time: string;
  owner: string;
}

export type MutableResource = 'orders' | 'products' | 'customers' | 'categories';
export interface MutationSpec {
  orders?: { update?: number; create?: number; delete?: number };
  products?: { update?: number; create?: number; delete?: number };
  customers?: { update?: number; create?: number; delete?: number };
  categories?: { update?: number; create?: number; delete?: number };
}
export type MutationResult = Record<MutableResource, { created: string[]; updated: string[]; deleted: string[] }>;

export interface UsageCounters {
  /** Every request that reached rate limiting (i.e. authenticated), per Prague day `YYYY-MM-DD`. */
  perDay: Record<string, number>;
  total: number;
  hourWindowStart: number;
  hourUsed: number;
  dayWindowStart: number;
  dayUsed: number;
  rejected429: number;
  /** Verified add-on monitor (60,000/day): today's count and whether it was exceeded on any day. */
  monitorToday: number;
  monitorAlert: boolean;
  monitorAlertDays: string[];
}

export type { Access, Resource };
