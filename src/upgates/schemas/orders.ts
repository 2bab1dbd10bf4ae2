import { z } from 'zod';
import { dateLike, id, key, messages, metas, nullableString, yn, ynNullable } from './common.js';

const agreement = z.looseObject({
  name: z.string().optional(),
  // Real responses carry a PHP DateTime object here, or null; the blueprint says a date string.
  valid_to: dateLike.optional(),
  status: ynNullable.optional(),
});

const orderCustomer = z.looseObject({
  email: nullableString.optional(),
  customer_id: id.nullable().optional(),
  agreements: z.array(agreement).optional(),
  postal_yn: ynNullable.optional(),
  company_yn: ynNullable.optional(),
  vat_payer_yn: ynNullable.optional(),
});

const orderProduct = z.looseObject({
  product_id: id.nullable().optional(),
  code: nullableString.optional(),
  quantity: z.coerce.number().optional(),
});

export const order = z.looseObject({
  order_number: key,
  order_id: id.nullable().optional(),
  status_id: id.nullable().optional(),
  status: nullableString.optional(),
  paid_date: nullableString.optional(),
  tracking_code: nullableString.optional(),
  prices_with_vat_yn: ynNullable.optional(),
  resolved_yn: ynNullable.optional(),
  creation_time: dateLike.optional(),
  last_update_time: dateLike.optional(),
  customer: orderCustomer.optional(),
  products: z.array(orderProduct).optional(),
  metas: metas.optional(),
});
export type Order = z.output<typeof order>;

export const orderWriteResult = z.looseObject({
  order_number: key.nullable().optional(),
  updated_yn: yn.optional(),
  created_yn: yn.optional(),
  messages,
});
export type OrderWriteResult = z.output<typeof orderWriteResult>;

export const orderStatus = z.looseObject({
  id: id,
  type: z.string().optional(),
  descriptions: z.array(z.looseObject({ language_id: z.string().optional(), name: nullableString.optional() })).optional(),
  mark_resolved_yn: ynNullable.optional(),
  mark_paid_yn: ynNullable.optional(),
});
export type OrderStatus = z.output<typeof orderStatus>;
