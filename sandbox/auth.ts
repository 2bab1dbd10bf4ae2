// HTTP Basic authentication with per-shop add-on credentials, and the failed-login block as documented:
// 5 failures within a floating hour => 403 for that IP (every login from it), until the oldest of those
// failures is an hour old. `failedLoginScope: 'ip+user'` narrows it to IP + login for tests that fail logins
// on purpose. Every failed login is kept in a log (IP, login, time; never the key) for tests to count.
import type { IncomingMessage } from 'node:http';
import type { SandboxContext } from './context.js';
import type { ShopState } from './shop.js';

export type AuthOutcome =
  { ok: true; shop: ShopState; apiUser: string } | { ok: false; status: 401 | 403; message: string; retryAfterSeconds?: number };

export interface FailedLoginRecord {
  ip: string;
  apiUser: string;
  at: number;
}

const HOUR = 3_600_000;

export class FailedLogins {
  private readonly failures = new Map<string, number[]>();
  /** Every failed login since the start (or the last clear), oldest first. */
  readonly log: FailedLoginRecord[] = [];
  constructor(private readonly ctx: SandboxContext) {}

  private key(ip: string, user: string): string {
    return this.ctx.options.failedLoginScope === 'ip' ? ip : `${ip}|${user}`;
  }
  private recent(key: string): number[] {
    const now = this.ctx.clock.now();
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < HOUR);
    this.failures.set(key, list);
    return list;
  }
  blocked(ip: string, user: string): boolean {
    return this.recent(this.key(ip, user)).length >= this.ctx.options.failedLoginLimit;
  }
  /** Seconds until the block ends: when enough of the failures in the floating hour have aged out. */
  secondsLeft(ip: string, user: string): number {
    const list = this.recent(this.key(ip, user));
    const freeingFailure = list[list.length - this.ctx.options.failedLoginLimit];
    if (freeingFailure === undefined) return 0;
    return Math.max(1, Math.ceil((freeingFailure + HOUR - this.ctx.clock.now()) / 1000));
  }
  record(ip: string, user: string): void {
    const at = this.ctx.clock.now();
    this.recent(this.key(ip, user)).push(at);
    this.log.push({ ip, apiUser: user, at });
  }
  clear(): void {
    this.failures.clear();
    this.log.length = 0;
  }
}

export function parseBasic(header: string | undefined): { user: string; key: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

export function authenticate(ctx: SandboxContext, failed: FailedLogins, req: IncomingMessage): AuthOutcome {
  const ip = req.socket.remoteAddress ?? 'unknown';
  const creds = parseBasic(req.headers.authorization);
  const user = creds?.user ?? '';
  if (failed.blocked(ip, user)) {
    // Upgates documents Retry-After on 429 only; the option lets tests play a 403 that names the end.
    const retryAfterSeconds = ctx.options.loginBlockRetryAfter ? failed.secondsLeft(ip, user) : undefined;
    return {
      ok: false,
      status: 403,
      message: 'Too many failed logins. Try again later.',
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    };
  }
  const shop = creds ? ctx.credentials.get(creds.user) : undefined;
  if (!creds || !shop || shop.credentials?.apiKey !== creds.key) {
    failed.record(ip, user);
    return { ok: false, status: 401, message: creds ? 'Invalid login or API key.' : 'Missing Authorization header.' };
  }
  return { ok: true, shop, apiUser: creds.user };
}
