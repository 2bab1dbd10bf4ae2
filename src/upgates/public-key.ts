// Upgates' public key for signature_v2, from a local file (wins) or a URL, cached.
// Upgates suggests downloading the key for every verification because keys may rotate; we cache
// instead and refetch once when a signature fails, at most once per `minRefreshIntervalMs`, so a flood
// of forged callbacks cannot turn us into a load generator against Upgates' key URL.
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { verifySignatureV2 } from './signature.js';

export interface PublicKeySourceOptions {
  url?: string;
  file?: string;
  fetch?: typeof fetch;
  /** How long a fetched key is used before it is fetched again. Default 1 h. */
  cacheMs?: number;
  /** Least time between two network fetches triggered by refresh(). Default 60 s. */
  minRefreshIntervalMs?: number;
  /** Per-request timeout. Default 3 s: the install answer must leave within 5 s. */
  timeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface PublicKeySource {
  /** The cached key, loading it when absent or stale. A stale key is served when a reload fails. */
  get(): Promise<string>;
  /** Reloads now, unless the last load was less than minRefreshIntervalMs ago (then: the cached key). */
  refresh(): Promise<string>;
  /** Verifies; on failure reloads the key once (rate-limited) and verifies again if the key changed. */
  verifyWithRefresh(values: string[], signatureToken: string, signatureV2B64: string): Promise<boolean>;
}

/** The key could not be loaded and no earlier copy exists. Answer 503, not 401: the caller may be genuine. */
export class PublicKeyUnavailableError extends Error {
  override readonly name = 'PublicKeyUnavailableError';
}

export function createPublicKeySource(options: PublicKeySourceOptions): PublicKeySource {
  const { url, file, cacheMs = 3_600_000, minRefreshIntervalMs = 60_000, timeoutMs = 3_000 } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  if (!url && !file) throw new Error('createPublicKeySource needs a url or a file');

  let cached: { pem: string; loadedAt: number } | undefined;
  let lastAttemptAt = -Infinity;
  let inFlight: Promise<string> | undefined;

  async function load(): Promise<string> {
    try {
      const pem = file ? await readFile(file, 'utf8') : await download(url as string);
      createPublicKey(pem); // reject an HTML error page or a truncated key before caching it
      cached = { pem, loadedAt: now() };
      return pem;
    } catch (error) {
      if (cached) return cached.pem; // keep serving the last good key; a rotated key shows up as a failed verify
      const source = file ? `file ${file}` : `URL ${url}`;
      throw new PublicKeyUnavailableError(`Upgates public key unavailable from ${source}: ${(error as Error).message}`);
    }
  }

  async function download(from: string): Promise<string> {
    const response = await fetchFn(from, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.text();
  }

  // Concurrent callers share one load, so a burst of callbacks on a cold cache makes one request.
  function loadOnce(): Promise<string> {
    if (!inFlight) {
      lastAttemptAt = now();
      inFlight = load().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  }

  async function get(): Promise<string> {
    if (cached && now() - cached.loadedAt < cacheMs) return cached.pem;
    // Stale but present: only retry the source at the refresh pace, so an outage does not mean a fetch per call.
    if (cached && now() - lastAttemptAt < minRefreshIntervalMs) return cached.pem;
    return loadOnce();
  }

  async function refresh(): Promise<string> {
    if (inFlight) return inFlight;
    if (cached && now() - lastAttemptAt < minRefreshIntervalMs) return cached.pem;
    return loadOnce();
  }

  async function verifyWithRefresh(values: string[], signatureToken: string, signatureV2B64: string): Promise<boolean> {
    const pem = await get();
    if (verifySignatureV2(values, signatureToken, signatureV2B64, pem)) return true;
    const fresh = await refresh();
    return fresh !== pem && verifySignatureV2(values, signatureToken, signatureV2B64, fresh);
  }

  return { get, refresh, verifyWithRefresh };
}
