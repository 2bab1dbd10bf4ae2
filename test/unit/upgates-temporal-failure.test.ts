import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  UpgatesAccessNotGrantedError,
  UpgatesAuthError,
  UpgatesLoginBlockedError,
  UpgatesForbiddenError,
  UpgatesMovedError,
  UpgatesNetworkError,
  UpgatesRequestError,
  UpgatesServerError,
  UpgatesThrottledError,
  UpgatesValidationError,
  UsageBudgetExceededError,
} from '../../src/upgates/errors.js';
import { toTemporalFailure } from '../../src/upgates/temporal-failure.js';

const asFailure = (err: unknown): ApplicationFailure => {
  const f = toTemporalFailure(err);
  expect(f).toBeInstanceOf(ApplicationFailure);
  return f as ApplicationFailure;
};

describe('toTemporalFailure', () => {
  it.each([
    [new UpgatesAuthError('401'), true],
    [new UpgatesForbiddenError('orders:PUT', '403'), true],
    [new UpgatesValidationError('orders', [{ path: 'x', code: 'invalid_type', message: 'm' }]), true],
    [new UpgatesRequestError('400', 400), true],
    [new UsageBudgetExceededError('orders:GET', 'daily-monitor', 48_001, 48_000), true],
    [new UpgatesServerError('503', 503), false],
    [new UpgatesNetworkError('reset', false), false],
    [new UpgatesNetworkError('timeout', true), false],
    [new UpgatesMovedError('301', 'https://x/api/v2'), false],
  ])('%s → nonRetryable %s', (err, nonRetryable) => {
    const failure = asFailure(err);
    expect(failure.nonRetryable).toBe(nonRetryable);
    expect(failure.type).toBe(err.name);
    expect(failure.message).toBe(err.message);
  });

  it('names the access on 403', () => {
    expect(asFailure(new UpgatesForbiddenError('orders:PUT', 'Upgates PUT /orders (orders:PUT) answered 403')).message).toContain(
      'orders:PUT',
    );
  });

  it('429 retries after Retry-After via nextRetryDelay', () => {
    const failure = asFailure(new UpgatesThrottledError('429', 42_000, new Date()));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(42_000);
    expect(asFailure(new UpgatesThrottledError('429', 0, undefined)).nextRetryDelay).toBe(1_000);
  });

  it('403 not granted stops; 403 login block waits until the block ends (issue 13.2)', () => {
    expect(asFailure(new UpgatesAccessNotGrantedError('payments:GET', '403')).nonRetryable).toBe(true);
    const blocked = asFailure(new UpgatesLoginBlockedError('orders:GET', '403', new Date(Date.now() + 3_600_000)));
    expect(blocked.nonRetryable).toBe(false);
    expect(Number(blocked.nextRetryDelay)).toBeGreaterThan(3_590_000);
    expect(asFailure(new UpgatesLoginBlockedError('orders:GET', '403', new Date(Date.now() - 5))).nextRetryDelay).toBe(1_000);
  });

  it('leaves other errors alone', () => {
    const err = new Error('boom');
    expect(toTemporalFailure(err)).toBe(err);
  });
});
