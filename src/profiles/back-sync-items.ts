// What a vendor may send back to Upgates, per back-sync action: the item rules the vendor API routes check
// (answering 400 before anything reaches Temporal) and the back-sync activity checks again before anything
// leaves (activities/back-sync.ts). One module, so route and activity cannot disagree; the 100-item limit and
// the no-`stock_increment` rule exist only here.
import { z } from 'zod';
import { MAX_ITEMS_PER_REQUEST } from '../upgates/batching.js';

/** Upgates refuses a PUT with more than 100 items (413); we refuse it before it reaches the workflow. */
export const MAX_ITEMS = MAX_ITEMS_PER_REQUEST;

export const orderStatusFields = {
  status_id: z.coerce.number().int().positive().optional(),
  tracking_code: z.string().min(1).max(255).optional(),
};

/**
 * Stock is written absolute only: Upgates already deducted ordered quantities, so a relative write
 * (`stock_increment`) would deduct them twice. True when the key appears anywhere in the body.
 */
export const mentionsStockIncrement = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.some(mentionsStockIncrement)
    : !!value && typeof value === 'object' && Object.entries(value).some(([k, v]) => k === 'stock_increment' || mentionsStockIncrement(v));

export const newsletterAccept = z.enum(['yes', 'no', 'notset']);

export const backSyncItemSchemas = {
  'order-status': z
    .object({
      order_number: z.string().min(1).max(64),
      ...orderStatusFields,
    })
    .refine((o) => o.status_id !== undefined || o.tracking_code !== undefined, 'status_id or tracking_code is required'),
  stock: z
    .object({
      code: z.string().min(1).max(128),
      stock: z.number().int().min(0),
      variants: z
        .array(z.object({ code: z.string().min(1).max(128), stock: z.number().int().min(0) }).strict())
        .max(MAX_ITEMS)
        .optional(),
    })
    .strict(),
  'customer-consent': z.object({ email: z.string().email(), newsletter_accept: newsletterAccept }),
  'customer-create': z.object({
    email: z.string().email(),
    language: z.enum(['cs', 'sk', 'en']).default('cs'),
    newsletter_accept: newsletterAccept.default('yes'),
  }),
  'campaign-vouchers': z.object({
    count: z.number().int().min(1).max(1000),
    type: z.enum(['price', 'percentage', 'payment_shipment']),
    currency_id: z.string().length(3),
    amount: z.number().positive(),
    date_from: z.iso.date().optional(),
    date_to: z.iso.date().optional(),
    note: z.string().max(255).optional(),
  }),
  'campaign-vouchers-delete': z.object({ voucher_code: z.string().min(1).max(64) }),
} as const;
export type BackSyncActionId = keyof typeof backSyncItemSchemas;
export type BackSyncItem<A extends BackSyncActionId> = z.output<(typeof backSyncItemSchemas)[A]>;

export const isBackSyncActionId = (id: string): id is BackSyncActionId => Object.hasOwn(backSyncItemSchemas, id);
