// A vendor write whose earlier attempt's outcome is unknown (the attempt claimed its idempotency key, then
// timed out, crashed or lost its answer, possibly after Upgates applied it). Updates and deletes are safe
// to send again (absolute values, keyed records). Creates are looked up first by their natural key, so a
// retry never creates twice: customers by e-mail, coupons by the campaign note and parameters (Upgates
// chooses coupon codes, so there is no code to look up before the first answer).
import type { BackSyncResult } from '../workflows/messages.js';
import { isAccessDeclared } from '../src/profiles/index.js';
import type { ProfileVersion } from '../src/profiles/types.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import { collectPages } from '../src/upgates/pagination.js';
import type { BackSyncCall } from './back-sync.js';

/** Coupons created this long before the first claim still count as that attempt's (clock skew). */
const CREATION_SKEW_MS = 5 * 60_000;

/**
 * What Upgates already holds for a create whose outcome is unknown: a full result when everything was
 * applied, a narrowed call when part of it was, or the call unchanged when nothing was found.
 */
export async function recoverUnknownOutcome(
  client: UpgatesClient,
  profile: ProfileVersion,
  call: BackSyncCall,
  since: Date,
): Promise<{ done: BackSyncResult } | { remaining: BackSyncCall; found: Array<Record<string, unknown>> }> {
  const priority = 'mandatory' as const;
  if (call.kind === 'createCustomers') {
    if (!isAccessDeclared(profile, 'customers:GET')) return { remaining: call, found: [] };
    const found: Array<Record<string, unknown>> = [];
    const missing: typeof call.body.customers = [];
    for (const customer of call.body.customers) {
      const existing = await collectPages(client.listCustomers({ email: customer.login.email }, { priority }));
      if (existing.some((c) => c.login?.email?.toLowerCase() === customer.login.email.toLowerCase())) {
        found.push({ email: customer.login.email, inserted_yn: true, recovered_yn: true, messages: [] });
      } else missing.push(customer);
    }
    if (missing.length === 0) return { done: { ok: true, results: found } };
    return { remaining: { kind: 'createCustomers', body: { customers: missing } }, found };
  }
  if (call.kind === 'createVouchers') {
    const body = call.body;
    if (!isAccessDeclared(profile, 'vouchers:GET')) {
      // Sending again could double the campaign's coupons and we may not list them to check: stop here.
      return {
        done: {
          ok: false,
          results: [],
          message: `an earlier attempt may already have created these coupons (outcome unknown) and this add-on may not list coupons to check; not sent again: look for note "${body.note ?? ''}" in the Upgates admin`,
        },
      };
    }
    const listed = await collectPages(client.iteratePages('vouchers', { currency_id: body.currency_id }, { priority }));
    const earliest = since.getTime() - CREATION_SKEW_MS;
    const codes = listed
      .map((v) => v as Record<string, unknown>)
      .filter(
        (v) =>
          v.note === (body.note ?? null) &&
          v.type === body.type &&
          Number(v.amount) === body.amount &&
          v.date_from === body.date_from &&
          v.date_to === body.date_to &&
          (typeof v.creation_time !== 'string' || Date.parse(v.creation_time) >= earliest),
      )
      .map((v) => String(v.voucher_code));
    if (codes.length >= body.count) {
      return {
        done: {
          ok: true,
          results: codes.slice(0, body.count).map((voucher_code) => ({ voucher_code, created_yn: true, recovered_yn: true })),
        },
      };
    }
    return { remaining: call, found: [] };
  }
  return { remaining: call, found: [] };
}
