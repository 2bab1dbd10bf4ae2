// Drives the add-on's lifecycle endpoints the way Upgates does (reference §1): signed JSON POSTs for install,
// open, uninstall and version change, with the documented response checks. Install creates the add-on's API
// credentials first (they travel in the body); uninstall revokes them and deletes the add-on's webhooks and
// conversion codes.
import { request } from 'undici';
import type { SandboxContext } from './context.js';
import { type SigningKeys, generateKeys, signValues } from './keys.js';
import type { ShopState } from './shop.js';
import { isoTime } from './time.js';
import type { AdminLanguage, CallbackResult } from './types.js';

/**
 * Upgates documents `time` only as the "validity time of signature_v2": it may be the signing time (now) or an
 * expiry (now + validity). The sandbox plays either reading, in each format Upgates uses.
 */
export type TimeReading = 'signing' | 'expiry';
export type TimeFormat = 'iso-offset' | 'iso-z' | 'prague';

export interface CallbackOptions {
  /** Base URL of the add-on, e.g. http://127.0.0.1:3000; paths come from options.lifecyclePaths. */
  addonUrl: string;
  /** Override the path of this one call. */
  path?: string;
  /** Override `time` (e.g. a stale one). Default: from timeReading and timeFormat. */
  time?: string;
  /** `time` as the signing time (default) or as an expiry `expirySeconds` ahead. */
  timeReading?: TimeReading;
  /** How far ahead the expiry reading puts `time`. Default 3600. */
  expirySeconds?: number;
  /** ISO 8601 with the Prague offset (default), UTC with `Z`, or zoneless `YYYY-MM-DD HH:MM:SS` Prague time. */
  timeFormat?: TimeFormat;
  /** Sign with a different key than the one served (forged signature). */
  otherKey?: boolean;
  /** Sign with a different signature_token than the add-on's. */
  signatureToken?: string;
  /** Replace signature_v2 entirely. */
  signature?: string;
  /** Also send the deprecated v1 `signature` field (back-compat tests). */
  legacySignature?: boolean;
  timeoutMs?: number;
}
/** Upgates' own identifier of the add-on version: any value, sent as given (its docs show `0`). */
export type VersionId = number | string;

export interface InstallOptions extends CallbackOptions {
  version?: VersionId;
  /** Any admin language code (Upgates may send more than cs, sk, en). */
  language?: AdminLanguage | (string & {});
  /** Keep the existing apiUser/apiKey instead of issuing new ones. */
  reuseCredentials?: boolean;
}
export interface OpenOptions extends CallbackOptions {
  version?: VersionId;
  /** Any admin language code (Upgates may send more than cs, sk, en). */
  language?: AdminLanguage | (string & {});
}
export interface UninstallOptions extends CallbackOptions {
  version?: VersionId;
  /** Revoke credentials before calling the add-on (default true: do not rely on the API from the handler). */
  revokeFirst?: boolean;
}
export interface VersionOptions extends CallbackOptions {
  version: VersionId;
}

/** The shop's numeric version after a callback with this identifier (a non-numeric one leaves it as it was). */
const numericVersion = (id: VersionId, current: number): number => (typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : current);
export interface RepeatOptions {
  times: number;
  /** Send all at once instead of one after another. */
  concurrent?: boolean;
}

type Kind = 'install' | 'open' | 'uninstall' | 'version';

export class LifecycleDriver {
  private otherKeys?: SigningKeys;
  /** Last `time` second used per shop: two callbacks of one shop never share a time (and so a signature). */
  private readonly lastTimeSecond = new Map<string, number>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly keys: SigningKeys,
  ) {}

  get publicKeyPem(): string {
    return this.keys.publicKeyPem;
  }

  /** base64 RSA-SHA256 over values.join(';'); pass the signature_token as the last value yourself. */
  sign(values: string[], opts: { otherKey?: boolean } = {}): string {
    if (opts.otherKey) this.otherKeys ??= generateKeys();
    return signValues(values, opts.otherKey ? this.otherKeys!.privateKey : this.keys.privateKey);
  }

  private shop(token: string): ShopState {
    const shop = this.ctx.shops.get(token);
    if (!shop) throw new Error(`unknown shop ${token}`);
    return shop;
  }

  /** The callback's `time`, by the options' reading and format; unique per shop and second. */
  private callbackTime(token: string, o: CallbackOptions): string {
    if (o.time !== undefined) return o.time;
    const ahead = o.timeReading === 'expiry' ? (o.expirySeconds ?? 3600) * 1000 : 0;
    let second = Math.floor((this.ctx.clock.now() + ahead) / 1000);
    const last = this.lastTimeSecond.get(token);
    if (last !== undefined && second <= last) second = last + 1;
    this.lastTimeSecond.set(token, second);
    const ms = second * 1000;
    if (o.timeFormat === 'iso-z') return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (o.timeFormat === 'prague') return isoTime(ms).slice(0, 19).replace('T', ' ');
    return isoTime(ms);
  }

  private signed(values: string[], o: CallbackOptions): string {
    if (o.signature !== undefined) return o.signature;
    return this.sign([...values, o.signatureToken ?? this.ctx.options.signatureToken], { otherKey: o.otherKey });
  }

  async install(token: string, o: InstallOptions): Promise<CallbackResult> {
    const shop = this.shop(token);
    const creds = shop.issueCredentials(o.reuseCredentials ?? false);
    const time = this.callbackTime(token, o);
    const version = o.version ?? shop.version;
    const body: Record<string, unknown> = {
      token,
      version,
      apiUser: creds.apiUser,
      apiKey: creds.apiKey,
      apiUrl: creds.apiUrl,
      current_admin_language: o.language ?? 'cs',
      time,
      signature_v2: this.signed([token, creds.apiUser, creds.apiKey, creds.apiUrl, time], o),
    };
    if (o.legacySignature) body.signature = this.sign([token, creds.apiUser, creds.apiKey, creds.apiUrl]);
    const result = await this.post('install', o, body, (status, json) => {
      if (status !== 200) return `HTTP ${status}`;
      if (typeof json !== 'object' || json === null || !('error' in json)) return 'response is not JSON with an "error" field';
      const err = (json as { error: unknown }).error;
      if (![true, false, 1, 0, '1', '0', 'true', 'false'].includes(err as never)) return '"error" is not boolean-ish';
      if (err === true || err === 1 || err === '1' || err === 'true')
        return `add-on refused: ${String((json as { message?: unknown }).message ?? '')}`;
      return '';
    });
    if (result.ok) {
      shop.installed = true;
      shop.version = numericVersion(version, shop.version);
    } else if (!shop.installed || !o.reuseCredentials) {
      // A failed activation leaves the shop without the add-on: the access created for it is removed.
      shop.revokeCredentials();
      shop.installed = false;
    }
    return result;
  }

  async open(token: string, o: OpenOptions): Promise<CallbackResult> {
    const shop = this.shop(token);
    const time = this.callbackTime(token, o);
    const body: Record<string, unknown> = {
      token,
      current_admin_language: o.language ?? 'cs',
      version: o.version ?? shop.version,
      time,
      signature_v2: this.signed([token, time], o),
    };
    if (o.legacySignature) body.signature = this.sign([token]);
    return this.post('open', o, body, (status, json) => {
      if (status !== 200) return `HTTP ${status}`;
      const j = json as { url?: unknown; type?: unknown } | null;
      if (!j || typeof j.url !== 'string' || j.url === '') return 'response lacks "url"';
      if (j.type !== 'iframe' && j.type !== 'redirect') return '"type" must be iframe or redirect';
      return '';
    });
  }

  async uninstall(token: string, o: UninstallOptions): Promise<CallbackResult> {
    const shop = this.shop(token);
    const time = this.callbackTime(token, o);
    const body: Record<string, unknown> = { token, version: o.version ?? shop.version, time, signature_v2: this.signed([token, time], o) };
    if (o.legacySignature) body.signature = this.sign([token]);
    const revokeFirst = o.revokeFirst ?? true;
    if (revokeFirst) shop.revokeCredentials();
    // Upgates does not wait for or check the answer: uninstallation happens regardless.
    const result = await this.post('uninstall', o, body, () => '');
    if (!revokeFirst) shop.revokeCredentials();
    shop.installed = false;
    return result;
  }

  /** Body and signed fields are undocumented; inferred `{token, version, time, signature_v2}` over token;time. */
  async versionChange(token: string, o: VersionOptions): Promise<CallbackResult> {
    const shop = this.shop(token);
    const time = this.callbackTime(token, o);
    const body = { token, version: o.version, time, signature_v2: this.signed([token, time], o) };
    const result = await this.post('version', o, body, (status, json) => {
      if (status !== 200) return `HTTP ${status}`;
      const j = json as { error?: unknown; message?: unknown } | null;
      return j?.error === true ? `add-on refused: ${String(j.message ?? '')}` : '';
    });
    if (result.ok) shop.version = numericVersion(o.version, shop.version);
    return result;
  }

  /** Duplicate callbacks on demand (Upgates may repeat install/uninstall). */
  async repeat<O extends CallbackOptions>(kind: Kind, token: string, o: O, r: RepeatOptions): Promise<CallbackResult[]> {
    const one = (): Promise<CallbackResult> =>
      kind === 'install'
        ? this.install(token, o)
        : kind === 'open'
          ? this.open(token, o)
          : kind === 'uninstall'
            ? this.uninstall(token, o)
            : this.versionChange(token, o as unknown as VersionOptions);
    if (r.concurrent) return Promise.all(Array.from({ length: r.times }, one));
    const out: CallbackResult[] = [];
    for (let k = 0; k < r.times; k++) out.push(await one());
    return out;
  }

  private async post(
    kind: Kind,
    o: CallbackOptions,
    body: Record<string, unknown>,
    check: (status: number, json: unknown) => string,
  ): Promise<CallbackResult> {
    // Paths are appended to the add-on base, keeping any base path prefix.
    const url = new URL(o.addonUrl);
    url.pathname = `${url.pathname.replace(/\/$/, '')}${o.path ?? this.ctx.options.lifecyclePaths[kind]}`;
    const timeoutMs = o.timeoutMs ?? this.ctx.options.lifecycleTimeoutMs;
    const started = performance.now();
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      const durationMs = Math.round(performance.now() - started);
      let json: unknown = text;
      let parsed = true;
      try {
        json = JSON.parse(text);
      } catch {
        parsed = false;
      }
      const reason =
        parsed || kind === 'uninstall'
          ? check(res.statusCode, parsed ? json : null)
          : res.statusCode !== 200
            ? `HTTP ${res.statusCode}`
            : 'response is not JSON';
      this.ctx.logger.info({ kind, url: url.toString(), status: res.statusCode, durationMs, reason }, 'lifecycle callback');
      return { status: res.statusCode, body: json, durationMs, ok: reason === '', reason: reason || 'ok', request: body };
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      const e = err as Error;
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `network error: ${e.message}`;
      // Uninstall ignores the outcome, but the result still says what happened.
      return { status: 0, body: null, durationMs, ok: kind === 'uninstall', reason, request: body };
    }
  }
}
