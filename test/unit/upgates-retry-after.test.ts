import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/upgates/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-05-01T10:00:00.000Z');

  it('reads an HTTP GMT date against the local clock', () => {
    const r = parseRetryAfter({ retryAfter: 'Thu, 01 May 2025 10:00:30 GMT', now, fallbackMs: 9 });
    expect(r.delayMs).toBe(30_000);
    expect(r.retryAt?.toISOString()).toBe('2025-05-01T10:00:30.000Z');
  });

  it('measures against the response Date header when present (server clock)', () => {
    // Our clock is 10 s ahead of Upgates': relative to Upgates' Date the wait is still 30 s.
    const r = parseRetryAfter({ retryAfter: 'Thu, 01 May 2025 09:59:50 GMT', date: 'Thu, 01 May 2025 09:59:20 GMT', now, fallbackMs: 9 });
    expect(r.delayMs).toBe(30_000);
  });

  it('a date in the past means no wait', () => {
    expect(parseRetryAfter({ retryAfter: 'Thu, 01 May 2025 09:00:00 GMT', now, fallbackMs: 9 }).delayMs).toBe(0);
  });

  it('accepts delay-seconds too', () => {
    expect(parseRetryAfter({ retryAfter: '120', now, fallbackMs: 9 }).delayMs).toBe(120_000);
  });

  it('falls back when absent or unparsable', () => {
    expect(parseRetryAfter({ retryAfter: undefined, now, fallbackMs: 7_000 })).toEqual({ delayMs: 7_000, retryAt: undefined });
    expect(parseRetryAfter({ retryAfter: 'soon', now, fallbackMs: 7_000 }).delayMs).toBe(7_000);
  });
});
