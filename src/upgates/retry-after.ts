// Upgates sends `Retry-After` on 429 as an HTTP date in GMT ("Wed, 21 Oct 2015 07:28:00 GMT"), not seconds.
// We measure the wait against the response's own `Date` header when present: both come from Upgates' clock,
// and `Date` is truncated to the second, so the error can only make us wait longer, never retry too early.
// Delay-seconds are accepted too, in case Upgates ever follows the usual form.

export interface RetryAfterInput {
  retryAfter: string | undefined;
  /** The response `Date` header. */
  date?: string | undefined;
  /** Local clock, for when `Date` is absent or unparsable. */
  now?: number;
  /** Wait used when `Retry-After` is absent or unparsable (a concurrency 429 may carry none). */
  fallbackMs: number;
}

export interface RetryAfter {
  /** Milliseconds to wait from now (local clock). */
  delayMs: number;
  /** The instant Upgates named, in local-clock terms; undefined when we fell back. */
  retryAt: Date | undefined;
}

export function parseRetryAfter({ retryAfter, date, now = Date.now(), fallbackMs }: RetryAfterInput): RetryAfter {
  const value = retryAfter?.trim();
  if (!value) return { delayMs: fallbackMs, retryAt: undefined };
  if (/^\d+$/.test(value)) {
    const delayMs = Number(value) * 1000;
    return { delayMs, retryAt: new Date(now + delayMs) };
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return { delayMs: fallbackMs, retryAt: undefined };
  const serverNow = date ? Date.parse(date) : Number.NaN;
  const reference = Number.isNaN(serverNow) ? now : serverNow;
  const delayMs = Math.max(0, at - reference);
  return { delayMs, retryAt: new Date(now + delayMs) };
}
