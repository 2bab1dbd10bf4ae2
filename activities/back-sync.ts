// Writes from the vendor's side back into Upgates, executed by the shop workflow one at a time (so the
// concurrency cap, the usage ledger and the profile's declared accesses hold for writes too).
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { BackSyncRequest, BackSyncResult } from '../workflows/messages.js';
import { assertAccessDeclared, UndeclaredAccessError } from '../src/profiles/index.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop } from './shop-context.js';

export const backSyncItemSchemas = {
  'order-status': z.object({
    order_number: z.string().min(1).max(64),
    status_id: z.coerce.number().int().positive().optional(),
    tracking_code: z.string().max(255).optional(),
  }).refine((o) => o.status_id !== undefined || o.tracking_code !== undefined, 'status_id or tracking_code is required'),
  stock: z.object({
    code: z.string().min(1).max(128),
    stock: z.number().int().min(0),
    variants: z.array(z.object({ code: z.string().min(1).max(128), stock: z.number().int().min(0) })).max(100).optional(),
  }).strict(),
  'customer-consent': z.object({ email: z.string().email(), newsletter_accept: z.enum(['yes', 'no', 'notset']) }),
  'customer-create': z.object({ email: z.string().email(), language: z.enum(['cs', 'sk', 'en']).default('cs'), newsletter_accept: z.enum(['yes', 'no', 'notset']).default('yes') }),
  'campaign-vouchers': z.object({
    count: z.number().int().min(1).max(1000),
    type: z.enum(['price', 'percentage', 'payment_shipment']),
    currency_id: z.string().length(3),
    amount: z.number().positive(),
    date_from: z.string().optional(),
    date_to: z.string().optional(),
    note: z.string().max(255).optional(),
  }),
  'campaign-vouchers-delete': z.object({ voucher_code: z.string().min(1) }),
} as const;
export type BackSyncActionId = keyof typeof backSyncItemSchemas;

export function createBackSyncActivities(deps: ActivityDeps) {
  return {
    async executeBackSync({ shopToken, request }: { shopToken: string; request: BackSyncRequest }): Promise<BackSyncResult> {
      try {
        const { shop, client, profile } = await clientForShop(deps, shopToken);
        const action = profile.backSync.find((a) => a.id === request.action);
        if (!action) return { ok: false, results: [], message: `action ${request.action} is not part of the ${profile.profile} profile v${profile.version}` };
        // The runtime refuses a call the active profile does not declare.
        assertAccessDeclared(profile, action.access);
        const schema = backSyncItemSchemas[request.action as BackSyncActionId];
        const items = request.items.map((item) => schema.parse(item));
        const settings = (shop.settings ?? {}) as Record<string, unknown>;
        switch (request.action as BackSyncActionId) {
          case 'order-status': {
            const sendEmails = Boolean(settings.notifyCustomerOnStatusChange ?? false);
            const results = await client.updateOrders(items as Array<{ order_number: string }>, { sendEmails, priority: 'mandatory' });
            return { ok: results.every((r) => r.updated_yn !== false), results: results as Array<Record<string, unknown>> };
          }
          case 'stock': {
            // Absolute stock only, never stock_increment (Upgates already deducted ordered quantities).
            const results = await client.updateProducts(items as Array<{ code: string }>, { priority: 'mandatory' });
            return { ok: results.every((r) => r.updated_yn !== false), results: results as Array<Record<string, unknown>> };
          }
          case 'customer-consent': {
            const writes = (items as Array<{ email: string; newsletter_accept: string }>).map((i) => ({ login: { email: i.email }, newsletter_accept: i.newsletter_accept }));
            const results = await client.updateCustomers(writes, { priority: 'mandatory' });
            return { ok: results.every((r) => r.updated_yn !== false), results: results as Array<Record<string, unknown>> };
          }
          case 'customer-create': {
            const writes = (items as Array<{ email: string; language: string; newsletter_accept: string }>).map((i) => ({
              type: 'contact',
              language: i.language,
              newsletter_accept: i.newsletter_accept,
              login: { email: i.email },
            }));
            const results = await client.createCustomers(writes, { priority: 'mandatory' });
            return { ok: results.every((r) => (r as Record<string, unknown>).inserted_yn !== false), results: results as Array<Record<string, unknown>> };
          }
          case 'campaign-vouchers': {
            const codes: string[] = [];
            for (const item of items as Array<z.output<(typeof backSyncItemSchemas)['campaign-vouchers']>>) codes.push(...(await client.createVouchers(item, { priority: 'mandatory' })));
            return { ok: true, results: codes.map((code) => ({ voucher_code: code })) };
          }
          case 'campaign-vouchers-delete': {
            const results = await client.deleteVouchers((items as Array<{ voucher_code: string }>).map((i) => i.voucher_code), { priority: 'mandatory' });
            return { ok: results.every((r) => r.deleted_yn !== false), results: results as Array<Record<string, unknown>> };
          }
        }
        return { ok: false, results: [], message: `unsupported action ${request.action}` };
      } catch (error) {
        if (error instanceof z.ZodError) throw ApplicationFailure.nonRetryable(`invalid ${request.action} items: ${error.issues.map((i) => i.message).join('; ')}`, 'InvalidBackSync');
        if (error instanceof UndeclaredAccessError) throw ApplicationFailure.nonRetryable(error.message, 'UndeclaredAccess');
        throw toTemporalFailure(error);
      }
    },
  };
}
