// Maps client errors to Temporal failures, so the retry policy does the right thing without knowing Upgates:
// revoked credentials, missing privileges, bad requests and schema mismatches stop at once (retrying would
// only add failed logins and noise in Upgates' monitor); 429 waits exactly until Retry-After, a login block
// (403) until the block ends; the rest retry
// with the policy's backoff. Activities: `catch (err) { throw toTemporalFailure(err); }`.
import { ApplicationFailure } from '@temporalio/common';
import { UpgatesError, UpgatesLoginBlockedError, UpgatesThrottledError } from './errors.js';

/** Never schedule a retry sooner than this, even when Retry-After is already in the past. */
const MIN_THROTTLE_DELAY_MS = 1_000;

export function toTemporalFailure(err: UpgatesError): ApplicationFailure;
export function toTemporalFailure(err: unknown): unknown;
export function toTemporalFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof UpgatesError)) return err;
  if (err instanceof UpgatesThrottledError) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: false,
      nextRetryDelay: Math.max(MIN_THROTTLE_DELAY_MS, Math.ceil(err.retryAfterMs)),
    });
  }
  if (err instanceof UpgatesLoginBlockedError) {
    // Not a failure of the workflow: the activity waits until the block ends (Temporal keeps retrying).
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: false,
      nextRetryDelay: Math.max(MIN_THROTTLE_DELAY_MS, err.retryAt.getTime() - Date.now()),
    });
  }
  // The cause is left out on purpose: Temporal stores failures in history, and undici causes may carry URLs.
  return ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: !err.retryable });
}
