// Shop-level resources: owner, config, languages, shipments, payments.
import { z } from 'zod';
import { id, metas, nullableString, ynNullable } from './common.js';

export const owner = z.looseObject({
  company: nullableString.optional(),
  email: nullableString.optional(),
  country_id: nullableString.optional(),
  language_id: nullableString.optional(),
});
export type Owner = z.output<typeof owner>;

/** `owner` is documented as an array of one object; whether the wire has the array is unconfirmed. Accept both. */
export const ownerResponse = z
  .looseObject({ owner: z.union([owner, z.array(owner).min(1)]) })
  .transform((r) => (Array.isArray(r.owner) ? r.owner[0]! : r.owner));

export const configResponse = z.looseObject({
  config: z.looseObject({
    prices_with_vat_yn: ynNullable.optional(),
    vat_payer_yn: ynNullable.optional(),
    oss_yn: ynNullable.optional(),
  }),
});
export type ShopConfig = z.output<typeof configResponse>['config'];

export const language = z.looseObject({
  language_id: z.string(),
  active_yn: ynNullable.optional(),
  default_yn: ynNullable.optional(),
  currency_id: nullableString.optional(),
});
export type Language = z.output<typeof language>;

const describedMethod = {
  id: id,
  code: nullableString.optional(),
  type: nullableString.optional(),
  active_yn: ynNullable.optional(),
  descriptions: z.array(z.looseObject({ language_id: z.string().optional() })).optional(),
  metas: metas.optional(),
};
export const shipment = z.looseObject({ ...describedMethod, affiliates: z.array(z.string()).nullable().optional() });
export type Shipment = z.output<typeof shipment>;
export const payment = z.looseObject(describedMethod);
export type Payment = z.output<typeof payment>;
