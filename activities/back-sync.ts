// Writes from the vendor's side back into Upgates, executed by the shop workflow one at a time (so the
// concurrency cap, the usage ledger and the profile's declared accesses hold for writes too).
// Two halves: `buildBackSyncCall` turns validated items, the profile action and the shop's settings into
// the exact request body (pure, unit-tested), and the activity sends it. The profile's `forbiddenFields`
// are checked on that body, i.e. on what would actually leave, not on what the vendor sent.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { BackSyncRequest, BackSyncResult } from '../workflows/messages.js';
import { assertAccessDeclared, UndeclaredAccessError } from '../src/profiles/index.js';
import type { BackSyncAction, ProfileVersion } from '../src/profiles/types.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import { requestFingerprint, type VendorIdempotencyStore } from '../src/db/vendor-idempotency-store.js';
import { UpgatesMoveRefusedError } from '../src/upgates/api-host-policy.js';
import { UpgatesError } from '../src/upgates/errors.js';
import { backSyncItemSchemas, isBackSyncActionId, type BackSyncActionId, type BackSyncItem } from '../src/profiles/back-sync-items.js';
import { recoverUnknownOutcome } from './back-sync-recovery.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop } from './shop-context.js';

// The item rules live with the vendor routes' request rules in one module (src/profiles/back-sync-items.ts).
export { backSyncItemSchemas, isBackSyncActionId, type BackSyncActionId, type BackSyncItem } from '../src/profiles/back-sync-items.js';

/** The one Upgates call an action makes, with the body exactly as the client will send it. */
export type BackSyncCall =
  | {
      kind: 'updateOrders';
      body: {
        send_emails_yn: boolean;
        send_sms_yn: boolean;
        orders: Array<{ order_number: string; status_id?: number; tracking_code?: string }>;
      };
    }
  | {
      kind: 'updateProducts';
      body: { products: Array<{ code: string; stock: number; variants?: Array<{ code: string; stock: number }> }> };
    }
  | { kind: 'updateCustomers'; body: { customers: Array<{ login: { email: string }; newsletter_accept: string }> } }
  | {
      kind: 'createCustomers';
      body: { customers: Array<{ type: 'contact'; language: string; newsletter_accept: string; login: { email: string } }> };
    }
  | { kind: 'createVouchers'; body: BackSyncItem<'campaign-vouchers'> }
  | { kind: 'deleteVouchers'; body: { voucher_codes: string[] } };

/** A refusal by policy (profile, settings): reported to the caller, never retried. */
export class BackSyncRefusedError extends Error {
  override readonly name = 'BackSyncRefusedError';
}

/** The shop's value of a declared setting, or the profile's default for it. */
export function settingValue(profile: ProfileVersion, settings: Record<string, unknown> | null | undefined, key: string): unknown {
  const declared = profile.settings.find((s) => s.key === key);
  const stored = settings?.[key];
  if (declared && stored !== undefined && stored !== null) {
    if (declared.type === 'boolean' && typeof stored === 'boolean') return stored;
    if (declared.type === 'number' && typeof stored === 'number' && Number.isFinite(stored)) return stored;
    if (declared.type === 'emailList' && Array.isArray(stored)) return stored;
    if (declared.type === 'mapping' && typeof stored === 'object') return stored;
  }
  return declared?.default;
}

/**
 * Paths in `forbiddenFields` (e.g. `products[].variants[].stock_increment`) present in a request body.
 * `name[]` steps into every element of the array `name`; the last step names the forbidden key.
 */
export function forbiddenFieldsIn(body: unknown, forbidden: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown, steps: string[], path: string, rule: string) => {
    if (!value || typeof value !== 'object') return;
    const [step, ...rest] = steps;
    if (step === undefined) return;
    const isArray = step.endsWith('[]');
    const key = isArray ? step.slice(0, -2) : step;
    if (!Object.hasOwn(value, key)) return;
    const next = (value as Record<string, unknown>)[key];
    if (rest.length === 0) {
      found.push(`${path}${key}`);
      return;
    }
    if (isArray) {
      if (Array.isArray(next)) next.forEach((element, i) => walk(element, rest, `${path}${key}[${i}].`, rule));
    } else walk(next, rest, `${path}${key}.`, rule);
  };
  for (const rule of forbidden) walk(body, rule.split('.'), '', rule);
  return found;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The request for one back-sync action. Items are parsed again here (the activity trusts nothing) and
 * rebuilt field by field, so nothing the vendor added by accident reaches Upgates.
 */
export function buildBackSyncCall(
  profile: ProfileVersion,
  request: BackSyncRequest,
  settings: Record<string, unknown> | null | undefined,
  now: number = Date.now(),
): { action: BackSyncAction; call: BackSyncCall } {
  const action = profile.backSync.find((a) => a.id === request.action);
  if (!action || !isBackSyncActionId(action.id)) {
    throw new BackSyncRefusedError(`action ${request.action} is not part of the ${profile.profile} profile v${profile.version}`);
  }
  // The runtime refuses a call the active profile does not declare.
  assertAccessDeclared(profile, action.access);
  if (request.items.length === 0) throw new BackSyncRefusedError('no items');
  if (request.items.length > action.maxBatch)
    throw new BackSyncRefusedError(`${action.id} takes at most ${action.maxBatch} item(s) per request, got ${request.items.length}`);
  const setting = (key: string) => settingValue(profile, settings, key);
  const id: BackSyncActionId = action.id;
  const call = ((): BackSyncCall => {
    switch (id) {
      case 'order-status': {
        const items = request.items.map((item) => backSyncItemSchemas[id].parse(item));
        // Upgates defaults send_emails_yn/send_sms_yn to true: always decide explicitly, from the settings.
        const sendEmails = setting('notifyCustomerOnStatusChange') === true;
        const sendSms = (action.settingKeys ?? []).includes('smsCustomerOnStatusChange') && setting('smsCustomerOnStatusChange') === true;
        const orders = items.map((i) => ({
          order_number: i.order_number,
          ...(i.status_id !== undefined ? { status_id: i.status_id } : {}),
          ...(i.tracking_code !== undefined ? { tracking_code: i.tracking_code } : {}),
        }));
        return { kind: 'updateOrders', body: { send_emails_yn: sendEmails, send_sms_yn: sendSms, orders } };
      }
      case 'stock': {
        if (profile.settings.some((s) => s.key === 'stockSyncEnabled') && setting('stockSyncEnabled') !== true) {
          throw new BackSyncRefusedError('stock sync is turned off in the shop settings (stockSyncEnabled)');
        }
        const items = request.items.map((item) => backSyncItemSchemas[id].parse(item));
        // Absolute stock only: Upgates already deducted ordered quantities, so a relative write would deduct twice.
        const products = items.map((i) => ({
          code: i.code,
          stock: i.stock,
          ...(i.variants?.length ? { variants: i.variants.map((v) => ({ code: v.code, stock: v.stock })) } : {}),
        }));
        return { kind: 'updateProducts', body: { products } };
      }
      case 'customer-consent': {
        const items = request.items.map((item) => backSyncItemSchemas[id].parse(item));
        // Paired by login.email; only newsletter_accept is written.
        return {
          kind: 'updateCustomers',
          body: { customers: items.map((i) => ({ login: { email: i.email }, newsletter_accept: i.newsletter_accept })) },
        };
      }
      case 'customer-create': {
        const items = request.items.map((item) => backSyncItemSchemas[id].parse(item));
        // Always an unregistered contact: we never create a login or make Upgates send a password.
        const customers = items.map((i) => ({
          type: 'contact' as const,
          language: i.language,
          newsletter_accept: i.newsletter_accept,
          login: { email: i.email },
        }));
        return { kind: 'createCustomers', body: { customers } };
      }
      case 'campaign-vouchers': {
        const item = backSyncItemSchemas[id].parse(request.items[0]);
        const from = item.date_from ?? isoDay(now);
        const days = Number(setting('voucherValidityDays') ?? 30);
        const to = item.date_to ?? isoDay(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000);
        return { kind: 'createVouchers', body: { ...item, date_from: from, date_to: to } };
      }
      case 'campaign-vouchers-delete': {
        const items = request.items.map((item) => backSyncItemSchemas[id].parse(item));
        return { kind: 'deleteVouchers', body: { voucher_codes: [...new Set(items.map((i) => i.voucher_code))] } };
      }
    }
  })();
  const forbidden = forbiddenFieldsIn(call.body, action.forbiddenFields ?? []);
  if (forbidden.length) throw new BackSyncRefusedError(`${action.id} must never send ${forbidden.join(', ')}`);
  return { action, call };
}

const allOk = (results: Array<Record<string, unknown>>, flag: string) => results.every((r) => r[flag] !== false);

async function send(client: UpgatesClient, call: BackSyncCall): Promise<BackSyncResult> {
  const priority = 'mandatory' as const;
  switch (call.kind) {
    case 'updateOrders': {
      const { send_emails_yn, send_sms_yn, orders } = call.body;
      const results = (await client.updateOrders(orders, { sendEmails: send_emails_yn, sendSms: send_sms_yn, priority })) as Array<
        Record<string, unknown>
      >;
      return { ok: allOk(results, 'updated_yn'), results };
    }
    case 'updateProducts': {
      const results = (await client.updateProducts(call.body.products, { priority })) as Array<Record<string, unknown>>;
      return { ok: allOk(results, 'updated_yn'), results };
    }
    case 'updateCustomers': {
      const results = (await client.updateCustomers(call.body.customers, { priority })) as Array<Record<string, unknown>>;
      return { ok: allOk(results, 'updated_yn'), results };
    }
    case 'createCustomers': {
      const results = (await client.createCustomers(call.body.customers, { priority })) as Array<Record<string, unknown>>;
      return { ok: allOk(results, 'inserted_yn'), results };
    }
    case 'createVouchers': {
      const codes = await client.createVouchers(call.body, { priority });
      return { ok: codes.length === call.body.count, results: codes.map((voucher_code) => ({ voucher_code, created_yn: true })) };
    }
    case 'deleteVouchers': {
      const results = (await client.deleteVouchers(call.body.voucher_codes, { priority })) as Array<Record<string, unknown>>;
      return { ok: allOk(results, 'deleted_yn'), results };
    }
  }
}

/** The update id the vendor gateway derived from the Idempotency-Key (or a fresh one): the store's key. */
export const idempotencyKeyOf = (request: BackSyncRequest): string | undefined =>
  typeof request.options?.idempotencyKey === 'string' ? request.options.idempotencyKey : undefined;

/** Upgates answered with an error, so it applied nothing: the key can be claimed afresh by a retry. */
function certainlyNotApplied(error: unknown): boolean {
  if (error instanceof UpgatesMoveRefusedError) return true;
  const status = error instanceof UpgatesError ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Sends the call at most once per idempotency key, across workflow runs and restarts: a finished key
 * answers its stored result, an unfinished one (outcome unknown) looks the records up before re-sending.
 */
export async function sendOnce(
  store: VendorIdempotencyStore,
  client: UpgatesClient,
  profile: ProfileVersion,
  target: { shopToken: string; key: string; request: BackSyncRequest; call: BackSyncCall },
  sendCall: (client: UpgatesClient, call: BackSyncCall) => Promise<BackSyncResult> = send,
): Promise<BackSyncResult> {
  const { shopToken, key, request, call } = target;
  const fingerprint = requestFingerprint(request.action, request.items);
  const claim = await store.claim(shopToken, key, request.action, fingerprint);
  if (claim.state !== 'new' && claim.fingerprint !== fingerprint) {
    return { ok: false, results: [], message: 'this Idempotency-Key was used with a different request; nothing was sent' };
  }
  if (claim.state === 'done') return claim.result;
  let result: BackSyncResult;
  try {
    if (claim.state === 'pending') {
      const recovered = await recoverUnknownOutcome(client, profile, call, claim.since);
      if ('done' in recovered) result = recovered.done;
      else {
        const sent = await sendCall(client, recovered.remaining);
        result = recovered.found.length ? { ...sent, results: [...recovered.found, ...sent.results] } : sent;
      }
    } else result = await sendCall(client, call);
  } catch (error) {
    if (certainlyNotApplied(error)) await store.release(shopToken, key);
    throw error;
  }
  await store.complete(shopToken, key, result);
  return result;
}

export function createBackSyncActivities(deps: ActivityDeps) {
  const store = deps.stores.vendorIdempotency;
  return {
    async executeBackSync({ shopToken, request }: { shopToken: string; request: BackSyncRequest }): Promise<BackSyncResult> {
      try {
        const { shop, client, profile } = await clientForShop(deps, shopToken);
        const { call } = buildBackSyncCall(profile, request, shop.settings as Record<string, unknown> | null);
        const key = idempotencyKeyOf(request);
        if (key === undefined) return await send(client, call);
        return await sendOnce(store, client, profile, { shopToken, key, request, call });
      } catch (error) {
        // Policy refusals are an answer, not a failure: the caller learns why and nothing is retried.
        if (error instanceof BackSyncRefusedError) return { ok: false, results: [], message: error.message };
        if (error instanceof z.ZodError)
          return {
            ok: false,
            results: [],
            message: `invalid ${request.action} items: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          };
        if (error instanceof UndeclaredAccessError) throw ApplicationFailure.nonRetryable(error.message, 'UndeclaredAccess');
        throw toTemporalFailure(error);
      }
    },
  };
}
