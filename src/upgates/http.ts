// The one place where Upgates API requests are sent. Every request goes through the same discipline:
// optional calls checked against the usage budget, each attempt counted in the ledger before it is sent,
// at most 3 in flight per shop (process-wide), a per-request timeout, 301 followed to the new api_url,
// short 429 waits honoured in place, and every other failure turned into a typed error.
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { upgatesApiCalls, upgatesApiLatency } from '../metrics/upgates.js';
import { upgatesAttemptSpan } from '../tracing/upgates-span.js';
import {
  checkApiUrl,
  SAFE_DEFAULT_POLICY,
  UpgatesMoveRefusedError,
  upgatesApiMovesRefused,
  type ApiHostPolicy,
} from './api-host-policy.js';
import { sharedDispatcher } from './dispatcher.js';
import {
  UpgatesAccessNotGrantedError,
  UpgatesAuthError,
  UpgatesForbiddenError,
  UpgatesLoginBlockedError,
  UpgatesMovedError,
  UpgatesNetworkError,
  UpgatesPayloadTooLargeError,
  UpgatesRequestError,
  UpgatesServerError,
  UpgatesThrottledError,
  UpgatesValidationError,
} from './errors.js';
import { buildQuery, type Query } from './query.js';
import type { Access, HttpMethod } from './resources.js';
import { credentialsKnownRejected, rememberRejectedCredentials } from './rejected-credentials.js';
import { parseRetryAfter } from './retry-after.js';
import { shopSemaphore } from './semaphore.js';
import type { UsageGuard } from './usage-guard.js';
import type { UsageLedger } from './usage-ledger.js';

export interface UpgatesCredentials {
  apiUser: string;
  apiKey: string;
  /** Base URL ending in `/api/v2`, as sent at activation (or as last reported by a 301). */
  apiUrl: string;
}

/**
 * `mandatory`: webhook-driven fetches and writes the merchant asked for; never refused by the budget.
 * `optional`: reconciliation, "sync now"; refused with UsageBudgetExceededError when over budget.
 */
export type CallPriority = 'mandatory' | 'optional';

export interface CallOptions {
  priority?: CallPriority;
}

export interface HttpSettings {
  shopToken: string;
  credentials: UpgatesCredentials;
  ledger?: UsageLedger | undefined;
  guard?: UsageGuard | undefined;
  /** Declared daily frequency per access, from the profile manifest; used for optional calls. */
  declaredCallsPerDay?: Partial<Record<Access, number>> | undefined;
  onMoved?: ((newApiUrl: string) => Promise<void> | void) | undefined;
  /** Which api_url a 301 may move the shop to; default: Upgates hosts over https, or the original origin. */
  apiHostPolicy?: ApiHostPolicy | undefined;
  /** Called (awaited) when a 301 names an api_url the policy refuses; record it so the shop's calls stop. */
  onMoveRefused?: ((refusedApiUrl: string, reason: string) => Promise<void> | void) | undefined;
  timeoutMs?: number | undefined;
  userAgent?: string | undefined;
  dispatcher?: Dispatcher | undefined;
  /** 429s asking for at most this wait are waited out in place; longer ones are thrown for Temporal to schedule. */
  inlineThrottleWaitMs?: number | undefined;
  /** Wait assumed for a 429 without a usable Retry-After. */
  throttleFallbackMs?: number | undefined;
  /**
   * Called (awaited) on the first 401, before the error is thrown: store the shop's "credentials rejected"
   * latch so no later activity tries them again. The process itself already refuses further requests.
   */
  onCredentialsRejected?: (() => Promise<void> | void) | undefined;
  /**
   * Tell a 403's two meanings apart with one `GET /webhooks` (every API user may read it): answered 2xx, the
   * access is not granted (UpgatesAccessNotGrantedError, `onAccessNotGranted`); refused too, the login is
   * blocked or the user inactive (UpgatesLoginBlockedError, `onLoginBlocked`). Off: a plain UpgatesForbiddenError.
   */
  classifyForbidden?: boolean | undefined;
  onAccessNotGranted?: ((access: Access) => Promise<void> | void) | undefined;
  onLoginBlocked?: ((until: Date) => Promise<void> | void) | undefined;
  /** Accesses already known not granted: refused here without a request. */
  notGranted?: ReadonlySet<Access> | undefined;
  /** How long a login block lasts when the 403 names no Retry-After (documented: 1 hour, floating). */
  loginBlockFallbackMs?: number | undefined;
}

export interface ApiRequest extends CallOptions {
  method: HttpMethod;
  access: Access;
  /** Path under the base URL, e.g. `/orders`. */
  path: string;
  query?: Query | undefined;
  body?: unknown;
  /** Items in a write body, reported in 413 errors. */
  itemCount?: number | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_INLINE_THROTTLE_WAIT_MS = 5_000;
export const DEFAULT_THROTTLE_FALLBACK_MS = 10_000;
/** How many 429s one request waits out in place before handing the wait to Temporal. */
const MAX_INLINE_THROTTLE_WAITS = 3;
/** Timers and second-resolution dates: land just after the instant Upgates named, never on its edge. */
const RETRY_AFTER_MARGIN_MS = 50;
/** Upgates: 5 failed logins within an hour (floating window) block the IP; the block ends within the hour. */
export const DEFAULT_LOGIN_BLOCK_MS = 3_600_000;
/** Documented as allowed for every API user whatever its privileges, so a 403 here is never "not granted". */
const ALWAYS_ALLOWED_PROBE: ApiRequest = { method: 'GET', access: 'webhooks:GET', path: '/webhooks' };

interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class UpgatesHttp {
  private apiUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly inlineThrottleWaitMs: number;
  private readonly throttleFallbackMs: number;
  private readonly dispatcher: Dispatcher;
  /** Accesses found not granted during this client's life (and those the caller already knew). */
  private readonly notGranted: Set<Access>;

  constructor(private readonly settings: HttpSettings) {
    this.apiUrl = trimSlash(settings.credentials.apiUrl);
    // Built once and kept private; never part of an error, log line or metric.
    this.authorization = `Basic ${Buffer.from(`${settings.credentials.apiUser}:${settings.credentials.apiKey}`).toString('base64')}`;
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.inlineThrottleWaitMs = settings.inlineThrottleWaitMs ?? DEFAULT_INLINE_THROTTLE_WAIT_MS;
    this.throttleFallbackMs = settings.throttleFallbackMs ?? DEFAULT_THROTTLE_FALLBACK_MS;
    this.dispatcher = settings.dispatcher ?? sharedDispatcher();
    this.notGranted = new Set(settings.notGranted ?? []);
  }

  get shopToken(): string {
    return this.settings.shopToken;
  }

  /** The base URL in use; differs from the constructor's after a 301. */
  get currentApiUrl(): string {
    return this.apiUrl;
  }

  /** Sends the request and returns the parsed JSON body (null for an empty body). */
  async request(req: ApiRequest): Promise<unknown> {
    if (req.priority === 'optional') await this.checkOptional(req.access);
    let moved = false;
    let throttleWaits = 0;
    for (;;) {
      const exchange = await upgatesAttemptSpan(req, this.shopToken, () => this.attempt(req));
      const { status } = exchange;
      if (status >= 200 && status < 300) return parseJson(req, exchange.text);

      if (status === 301) {
        const newApiUrl = readApiUrl(exchange.text);
        if (newApiUrl && !moved) {
          moved = true;
          await this.refuseForeignMove(req, newApiUrl);
          // Persist first: if storing fails, the error surfaces and the next attempt meets the 301 again.
          await this.settings.onMoved?.(newApiUrl);
          this.apiUrl = trimSlash(newApiUrl);
          continue;
        }
        throw new UpgatesMovedError(`${describe(req)} answered 301${newApiUrl ? ' again after moving' : ' without api_url'}`, newApiUrl);
      }

      if (status === 429) {
        const retryAfter = parseRetryAfter({
          retryAfter: header(exchange, 'retry-after'),
          date: header(exchange, 'date'),
          fallbackMs: this.throttleFallbackMs,
        });
        if (retryAfter.delayMs <= this.inlineThrottleWaitMs && throttleWaits < MAX_INLINE_THROTTLE_WAITS) {
          throttleWaits++;
          // The concurrency slot was released after the attempt: a waiting request is not in flight.
          await sleep(retryAfter.delayMs + RETRY_AFTER_MARGIN_MS);
          continue;
        }
        throw new UpgatesThrottledError(
          `${describe(req)} throttled (429); retry in ${retryAfter.delayMs} ms`,
          retryAfter.delayMs + RETRY_AFTER_MARGIN_MS,
          retryAfter.retryAt,
        );
      }

      if (status === 401) await this.credentialsRejected();
      if (status === 403 && this.settings.classifyForbidden) throw await this.classifyForbidden(req, exchange);
      throw errorForStatus(req, status);
    }
  }

  /** First 401 for these credentials: nothing else leaves this process with them, and the shop is latched. */
  private async credentialsRejected(): Promise<void> {
    rememberRejectedCredentials(this.shopToken, this.authorization);
    await this.settings.onCredentialsRejected?.();
  }

  /** One always-allowed call decides what the 403 meant (see `classifyForbidden` in HttpSettings). */
  private async classifyForbidden(req: ApiRequest, forbidden: Exchange): Promise<Error> {
    const probe = isAlwaysAllowed(req) ? forbidden : await this.attempt(ALWAYS_ALLOWED_PROBE);
    if (probe.status >= 200 && probe.status < 300) {
      // /webhooks needs no grant: its 403 refuses one event family (one webhook), not the access itself.
      if (!req.access.startsWith('webhooks:')) {
        this.notGranted.add(req.access);
        await this.settings.onAccessNotGranted?.(req.access);
      }
      return new UpgatesAccessNotGrantedError(req.access, `${describe(req)} answered 403: ${req.access} is not granted to the add-on`);
    }
    if (probe.status === 403) {
      // Upgates documents Retry-After only on 429; honour one if a 403 ever carries it, else wait the hour.
      const { delayMs } = parseRetryAfter({
        retryAfter: header(forbidden, 'retry-after') ?? header(probe, 'retry-after'),
        date: header(forbidden, 'date'),
        fallbackMs: this.settings.loginBlockFallbackMs ?? DEFAULT_LOGIN_BLOCK_MS,
      });
      const until = new Date(Date.now() + delayMs + RETRY_AFTER_MARGIN_MS);
      await this.settings.onLoginBlocked?.(until);
      return new UpgatesLoginBlockedError(
        req.access,
        `${describe(req)} answered 403 and so did an always-allowed call: login blocked (failed logins from this IP) or API user inactive; retry after ${until.toISOString()}`,
        until,
      );
    }
    if (probe.status === 401) {
      await this.credentialsRejected();
      return new UpgatesAuthError(`${describe(req)} answered 403, then 401: credentials rejected (revoked or uninstalled?)`);
    }
    return errorForStatus(req, 403);
  }

  /** Throws (after reporting) when the policy refuses the new api_url: the credentials never go there. */
  private async refuseForeignMove(req: ApiRequest, newApiUrl: string): Promise<void> {
    const verdict = checkApiUrl(this.settings.apiHostPolicy ?? SAFE_DEFAULT_POLICY, newApiUrl, this.settings.credentials.apiUrl);
    if (verdict.allowed) return;
    upgatesApiMovesRefused.inc({ source: 'moved', reason: verdict.reason });
    await this.settings.onMoveRefused?.(newApiUrl, verdict.message);
    throw new UpgatesMoveRefusedError(`${describe(req)} answered 301 to a refused API URL: ${verdict.message}`, verdict.reason);
  }

  private async checkOptional(access: Access): Promise<void> {
    const { guard, declaredCallsPerDay } = this.settings;
    if (!guard) throw new Error('Optional Upgates calls need a usage guard (pass a ledger to createUpgatesClient)');
    await guard.checkOptionalCall(this.shopToken, access, { declaredCallsPerDay: declaredCallsPerDay?.[access] });
  }

  /** One HTTP attempt: counted, inside the shop's concurrency slot, bounded by the timeout. */
  private async attempt(req: ApiRequest): Promise<Exchange> {
    this.refuseKnownFailures(req);
    // Counted before sending and awaited: a crash after this line over-counts by one, never under-counts.
    await this.settings.ledger?.record(this.shopToken, req.access);
    const release = await shopSemaphore(this.shopToken).acquire();
    try {
      // Checked again in the slot: a request queued behind the one that met the 401 must not follow it.
      this.refuseKnownFailures(req);
    } catch (err) {
      release();
      throw err;
    }
    const started = performance.now();
    let statusLabel = 'network';
    try {
      const exchange = await this.send(req);
      statusLabel = String(exchange.status);
      return exchange;
    } catch (err) {
      if (err instanceof UpgatesNetworkError && err.timedOut) statusLabel = 'timeout';
      throw err;
    } finally {
      release();
      upgatesApiCalls.inc({ access: req.access, status: statusLabel });
      upgatesApiLatency.observe({ access: req.access }, (performance.now() - started) / 1000);
    }
  }

  /** Requests that cannot succeed are not sent: rejected credentials (another failed login), accesses not granted. */
  private refuseKnownFailures(req: ApiRequest): void {
    if (credentialsKnownRejected(this.shopToken, this.authorization))
      throw new UpgatesAuthError(`${describe(req)} not sent: Upgates already rejected these credentials (401)`);
    if (this.notGranted.has(req.access))
      throw new UpgatesAccessNotGrantedError(req.access, `${describe(req)} not sent: ${req.access} is not granted to the add-on`);
  }

  private async send(req: ApiRequest): Promise<Exchange> {
    const url = `${this.apiUrl}${req.path}${buildQuery(req.query)}`;
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: 'application/json',
      'user-agent': this.settings.userAgent ?? 'upgates-addon-backend',
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(req.body);
    }
    // One deadline for connect, headers and body, so a server that stalls mid-body also fails in time.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await request(url, { method: req.method, headers, body, signal: controller.signal, dispatcher: this.dispatcher });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (err) {
      if (controller.signal.aborted) {
        throw new UpgatesNetworkError(`${describe(req)} timed out after ${this.timeoutMs} ms`, true, { cause: err });
      }
      const code = (err as { code?: string }).code ?? (err as Error).name;
      throw new UpgatesNetworkError(`${describe(req)} failed: ${code}`, false, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `GET /orders (orders:GET)`: method, path and access only; the query may hold personal data. */
const describe = (req: ApiRequest): string => `Upgates ${req.method} ${req.path} (${req.access})`;

function errorForStatus(req: ApiRequest, status: number): Error {
  const message = `${describe(req)} answered ${status}`;
  if (status === 401) return new UpgatesAuthError(`${message}: credentials rejected (revoked or uninstalled?)`);
  if (status === 403)
    return new UpgatesForbiddenError(req.access, `${message}: no privilege for ${req.access}, inactive API user or login block`);
  if (status === 413) return new UpgatesPayloadTooLargeError(`${message}: payload too large`, req.itemCount ?? 0);
  if (status >= 500) return new UpgatesServerError(message, status);
  return new UpgatesRequestError(message, status);
}

function isAlwaysAllowed(req: ApiRequest): boolean {
  return req.method === 'GET' && (req.path === '/status' || req.path === '/webhooks' || req.path.startsWith('/webhooks/'));
}

function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readApiUrl(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { api_url?: unknown };
    return typeof body.api_url === 'string' && /^https?:\/\//.test(body.api_url) ? body.api_url : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(req: ApiRequest, text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpgatesValidationError(req.access, [
      { path: '', code: 'invalid_json', message: `${describe(req)} returned a body that is not JSON` },
    ]);
  }
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
