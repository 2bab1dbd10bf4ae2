import { z } from 'zod';
import { dateLike, id, messages, metas, nullableString, yn, ynNullable } from './common.js';

export const customer = z.looseObject({
  customer_id: id,
  type: z.string().optional(),
  newsletter_yn: ynNullable.optional(),
  newsletter_accept: nullableString.optional(),
  login: z
    .looseObject({ email: nullableString.optional(), active_yn: ynNullable.optional(), blocked_yn: ynNullable.optional() })
    .optional(),
  // GET returns groups as an object {"<id>": "<name>"}; writes take an array. Accept both on read.
  groups: z
    .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .nullable()
    .optional(),
  metas: metas.optional(),
  creation_time: dateLike.optional(),
  last_update_time: dateLike.optional(),
});
export type Customer = z.output<typeof customer>;

export const customerWriteResult = z.looseObject({
  email: nullableString.optional(),
  customer_id: id.nullable().optional(),
  updated_yn: yn.optional(),
  inserted_yn: yn.optional(),
  created_yn: yn.optional(),
  messages,
});
export type CustomerWriteResult = z.output<typeof customerWriteResult>;
