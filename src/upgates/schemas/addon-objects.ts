// Objects an add-on owns in the shop: webhooks, conversion codes, vouchers.
import { z } from 'zod';
import { id, messages, nullableString, yn, ynNullable } from './common.js';

export const webhook = z.looseObject({
  id: id,
  active_yn: ynNullable.optional(),
  name: nullableString.optional(),
  url: z.string(),
  event: z.string(),
  last_success_call: nullableString.optional(),
  last_error_call: nullableString.optional(),
});
export type Webhook = z.output<typeof webhook>;

export const webhookEvent = z.looseObject({ name: z.string(), allowed_yn: yn.optional() });
export type WebhookEvent = z.output<typeof webhookEvent>;

/** POST and PUT answer one object. */
export const webhookResponse = z.looseObject({ webhook: webhook });

/** The 2025 blueprint names the flag `deleted`, the 2024 one `deleted_yn`; normalised to `deleted`. */
export const webhookDeleteResult = z
  .looseObject({ id: id, deleted: yn.optional(), deleted_yn: yn.optional(), messages })
  .transform(({ deleted, deleted_yn, ...rest }) => ({ ...rest, deleted: deleted ?? deleted_yn ?? false }));
export type WebhookDeleteResult = z.output<typeof webhookDeleteResult>;

export const CONVERSION_CODE_POSITIONS = ['head', 'body_top', 'body_bottom', 'order_head', 'order_body_top', 'order_body_bottom'] as const;
export type ConversionCodePosition = (typeof CONVERSION_CODE_POSITIONS)[number];

export const conversionCode = z.looseObject({
  position: z.string(),
  language_id: nullableString.optional(),
  code: z.string().optional(),
});
export type ConversionCode = z.output<typeof conversionCode>;

export const conversionCodeResult = z.looseObject({
  position: z.string(),
  language_id: nullableString.optional(),
  messages,
});
export type ConversionCodeResult = z.output<typeof conversionCodeResult>;

export const voucherCreateResponse = z.looseObject({ vouchers: z.array(z.coerce.string()) });

export const voucherDeleteResult = z.looseObject({ code: z.string(), deleted_yn: yn.optional(), messages });
export type VoucherDeleteResult = z.output<typeof voucherDeleteResult>;

export const voucher = z.looseObject({
  voucher_code: z.string(),
  active_yn: ynNullable.optional(),
  global_yn: ynNullable.optional(),
  amount: z.coerce.number().nullable().optional(),
});
export type Voucher = z.output<typeof voucher>;
