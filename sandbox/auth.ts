// HTTP Basic authentication with per-shop add-on credentials, and the failed-login block:
// 5 failures within a floating hour => 403 for that IP (optionally IP + login, see failedLoginScope).
import type { IncomingMessage } from 'node:http';
import type { SandboxContext } from './context.js';
import type { ShopState } from './shop.js';

export type AuthOutcome = { ok: true; shop: ShopState; apiUser: string } | { ok: false; status: 401 | 403; message: string };

const HOUR = 3_600_000;

export class FailedLogins {
  private readonly failures = new Map<string, number[]>();
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
  record(ip: string, user: string): void {
    this.recent(this.key(ip, user)).push(this.ctx.clock.now());
  }
  clear(): void {
    this.failures.clear();
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
  if (failed.blocked(ip, user)) return { ok: false, status: 403, message: 'Too many failed logins. Try again later.' };
  const shop = creds ? ctx.credentials.get(creds.user) : undefined;
  if (!creds || !shop || shop.credentials?.apiKey !== creds.key) {
    failed.record(ip, user);
    return { ok: false, status: 401, message: creds ? 'Invalid login or API key.' : 'Missing Authorization header.' };
  }
  return { ok: true, shop, apiUser: creds.user };
}
