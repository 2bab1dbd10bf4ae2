// Which base URLs may receive a shop's Basic credentials. A 301 body or an activation names the `api_url`;
// whoever can forge either (a compromised proxy, a bug upstream) would otherwise collect the API key. In
// production only https URLs on Upgates' API domains pass; in development and tests the shop's original
// origin (the sandbox on 127.0.0.1) passes too. A refusal is counted here, per reason, never per shop.
import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/registry.js';
import { UpgatesError } from './errors.js';

/** Upgates API base URLs look like `https://<shop>.admin.<server>.upgates.com/api/v2`. */
export const DEFAULT_UPGATES_API_HOSTS = ['*.upgates.com'] as const;

export interface ApiHostPolicy {
  /** Host patterns: `*.upgates.com` matches any subdomain (one or more labels), a plain name matches itself. */
  hosts: readonly string[];
  /** Refuse plain http (production). */
  requireHttps: boolean;
  /** Also accept the origin the shop's credentials were issued for (development, tests: the sandbox). */
  allowOriginalOrigin: boolean;
}

export type ApiUrlVerdict = { allowed: true } | { allowed: false; reason: ApiUrlRefusal; message: string };
export type ApiUrlRefusal = 'invalid-url' | 'not-https' | 'foreign-host';

/** The policy the client uses when none is passed: Upgates hosts over https, plus the shop's own origin. */
export const SAFE_DEFAULT_POLICY: ApiHostPolicy = { hosts: DEFAULT_UPGATES_API_HOSTS, requireHttps: true, allowOriginalOrigin: true };

export function apiHostPolicyFor(env: 'development' | 'test' | 'production', hosts: readonly string[]): ApiHostPolicy {
  const production = env === 'production';
  return { hosts, requireHttps: production, allowOriginalOrigin: !production };
}

export function matchesHost(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}

/** Whether `url` may receive the credentials; `originalUrl` is the base URL the credentials came with. */
export function checkApiUrl(policy: ApiHostPolicy, url: string, originalUrl?: string): ApiUrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: 'invalid-url', message: 'the API URL is not a valid URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { allowed: false, reason: 'invalid-url', message: 'the API URL is not an http(s) URL' };
  }
  if (parsed.username || parsed.password) {
    return { allowed: false, reason: 'invalid-url', message: 'the API URL must not carry credentials' };
  }
  if (policy.allowOriginalOrigin && originalUrl !== undefined && sameOrigin(parsed, originalUrl)) return { allowed: true };
  if (policy.requireHttps && parsed.protocol !== 'https:') {
    return { allowed: false, reason: 'not-https', message: `the API URL on ${parsed.host} is not https` };
  }
  if (!policy.hosts.some((pattern) => matchesHost(parsed.hostname, pattern))) {
    return { allowed: false, reason: 'foreign-host', message: `${parsed.host} is not an Upgates API host (${policy.hosts.join(', ')})` };
  }
  return { allowed: true };
}

function sameOrigin(url: URL, other: string): boolean {
  try {
    return new URL(other).origin === url.origin;
  } catch {
    return false;
  }
}

/**
 * A 301 named an api_url the policy refuses. Nothing was sent there and the URL was not stored; the shop's
 * API calls stop until new credentials arrive (a new activation). Not retryable: the answer will not change.
 */
export class UpgatesMoveRefusedError extends UpgatesError {
  readonly retryable = false;
  readonly status = 301;
  constructor(
    message: string,
    readonly reason: ApiUrlRefusal,
  ) {
    super(message);
  }
}

export const upgatesApiMovesRefused = new Counter({
  name: 'upgates_api_moves_refused_total',
  help: 'Shop moves (301 api_url) and activation API URLs refused by the API host policy, by where and reason.',
  labelNames: ['source', 'reason'] as const,
  registers: [metricsRegistry],
});
