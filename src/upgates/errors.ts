// Typed failures of the Upgates API client. Activities turn them into Temporal retry behaviour
// (see temporal-failure.ts), so each class says whether trying again can help.
// Messages carry the method, the path (never the query string, which may hold e-mails or phone numbers),
// the status and the access; never the API key, the Authorization header or record contents.
import type { Access } from './resources.js';

export abstract class UpgatesError extends Error {
  /** Whether repeating the same request later can succeed. */
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 401: the credentials are missing, wrong or revoked (add-on uninstalled). Retrying only adds failed logins. */
export class UpgatesAuthError extends UpgatesError {
  readonly retryable = false;
  readonly status = 401;
}

/**
 * 403: the API user lacks the privilege for this access, is inactive, or the IP is blocked after failed logins.
 * Upgates documents all three under one status with an undocumented body; http.ts tells them apart (when
 * asked to) with one call to an endpoint every API user may read, and throws one of the two subclasses below.
 * This base class alone means "not classified" (no probe, or the probe itself failed).
 */
export class UpgatesForbiddenError extends UpgatesError {
  readonly retryable: boolean = false;
  readonly status = 403;
  constructor(
    readonly access: Access,
    message: string,
  ) {
    super(message);
  }
}

/** 403 while the login works: this access is not granted to the add-on. Permanent for these credentials. */
export class UpgatesAccessNotGrantedError extends UpgatesForbiddenError {}

/**
 * 403 for every request, even the always-allowed ones: the IP is blocked after failed logins (for up to an
 * hour, floating window) or the API user is inactive. Retryable, but not before `retryAt`.
 */
export class UpgatesLoginBlockedError extends UpgatesForbiddenError {
  override readonly retryable = true;
  constructor(
    access: Access,
    message: string,
    readonly retryAt: Date,
  ) {
    super(access, message);
  }
}

/** 413: more than 100 items in one write; Upgates processed nothing. The client splits the batch itself. */
export class UpgatesPayloadTooLargeError extends UpgatesError {
  readonly retryable = false;
  readonly status = 413;
  constructor(
    message: string,
    readonly itemCount: number,
  ) {
    super(message);
  }
}

/** 429: hourly/daily quota or the 3-concurrent-requests cap. `retryAfterMs` is the wait Upgates asked for. */
export class UpgatesThrottledError extends UpgatesError {
  readonly retryable = true;
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    /** The instant from `Retry-After`, when Upgates sent one. */
    readonly retryAt: Date | undefined,
  ) {
    super(message);
  }
}

/** 5xx: Upgates failed; the same request may work later. */
export class UpgatesServerError extends UpgatesError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Connection refused/reset, DNS failure, or our per-request timeout: retryable. */
export class UpgatesNetworkError extends UpgatesError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * 301 without Location: the shop moved to another server and the body names the new `api_url`.
 * The client already reported the move through `onMoved` and retried once; this is thrown when that was not
 * possible (no `api_url` in the body, or moved again). Retryable: the next attempt reads the stored URL.
 */
export class UpgatesMovedError extends UpgatesError {
  readonly retryable = true;
  readonly status = 301;
  constructor(
    message: string,
    readonly newApiUrl: string | undefined,
  ) {
    super(message);
  }
}

/** Other 4xx (400, 404, 405, 501): our request is wrong; repeating it cannot help. */
export class UpgatesRequestError extends UpgatesError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ValidationIssueSummary {
  path: string;
  code: string;
  message: string;
}

/**
 * A response did not match its schema. Names the resource and the zod issues (path, code, message) but not
 * the record values, which may be personal data. Non-retryable: the same data would fail again.
 */
export class UpgatesValidationError extends UpgatesError {
  readonly retryable = false;
  constructor(
    readonly resource: string,
    readonly issues: ValidationIssueSummary[],
  ) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(root)'}: ${i.message}`)
      .join('; ');
    super(`Upgates ${resource} response failed validation (${issues.length} issue(s)): ${shown}`);
  }
}

/** An optional call (reconciliation, "sync now") was refused to stay inside the declared or monitored budget. */
export class UsageBudgetExceededError extends UpgatesError {
  readonly retryable = false;
  constructor(
    readonly access: Access,
    readonly reason: 'declared-frequency' | 'daily-monitor' | 'undeclared-access',
    readonly used: number,
    readonly limit: number,
  ) {
    super(`Optional Upgates call ${access} refused (${reason}): ${used} used of ${limit} today`);
  }
}
