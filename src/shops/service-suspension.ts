// Service suspension (the vendor's `PUT /api/vendor/shops/:token/service`, e.g. when the client stops paying):
// read from the Shop document by every layer that must stop calling Upgates for the shop.
import { ApplicationFailure } from '@temporalio/common';
import type { UsageLedger } from '../upgates/usage-ledger.js';

export interface ServiceSuspension {
  reason: string | null;
  since: Date;
}

/** The Shop document's `service` field (src/db/models/shop.ts), as any projection of it reads. */
export interface ServiceField {
  service?: { state?: string | null; reason?: string | null; since?: Date | null } | null;
}

/** The suspension in force, or null when the service is active (no `service` field on older documents). */
export function activeSuspension(shop: ServiceField): ServiceSuspension | null {
  const service = shop.service;
  if (!service || service.state !== 'suspended') return null;
  return { reason: service.reason ?? null, since: service.since ?? new Date(0) };
}

/** What a refused call says (the install callback shows it to the shop owner, so it says what to do). */
export function suspendedMessage(reason: string | null): string {
  return `The add-on service is suspended for this e-shop${reason ? ` (${reason})` : ''}. Contact the add-on provider to resume it.`;
}

/** How often a running activity re-reads the shop's service state (one indexed read per interval at most). */
const RECHECK_MS = 1000;

/**
 * The shop client's usage ledger, which the client awaits before every request: it refuses (non-retryable
 * `ServiceSuspended`) once the shop's service is suspended, so an activity that was already running when the
 * suspension was stored stops before its next request instead of finishing its page batch or catch-up.
 */
export function ledgerRefusingWhenSuspended(
  ledger: UsageLedger,
  shopToken: string,
  readShop: () => Promise<ServiceField | null>,
): UsageLedger {
  // The caller (clientForShop) has just read the shop and found it active.
  let checkedAt = Date.now();
  let check: Promise<ServiceSuspension | null> = Promise.resolve(null);
  return {
    async record(token, access, at) {
      if (Date.now() - checkedAt >= RECHECK_MS) {
        checkedAt = Date.now();
        check = readShop().then((shop) => (shop ? activeSuspension(shop) : null));
      }
      const suspension = await check;
      if (suspension) throw ApplicationFailure.nonRetryable(suspendedMessage(suspension.reason), 'ServiceSuspended');
      return ledger.record(token, access, at);
    },
    getUsage: (token, day) => ledger.getUsage(token, day),
  };
}
