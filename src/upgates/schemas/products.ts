import { z } from 'zod';
import { dateLike, id, messages, metas, nullableString, yn, ynNullable } from './common.js';

const variant = z.looseObject({
  code: nullableString.optional(),
  variant_id: id.nullable().optional(),
  active_yn: ynNullable.optional(),
  stock: z.number().nullable().optional(),
  metas: metas.optional(),
});

export const product = z.looseObject({
  product_id: id,
  // `code` is optional in a shop: a product may have none.
  code: nullableString.optional(),
  active_yn: ynNullable.optional(),
  archived_yn: ynNullable.optional(),
  stock: z.number().nullable().optional(),
  descriptions: z.array(z.looseObject({ language: z.string().optional() })).optional(),
  variants: z.array(variant).optional(),
  metas: metas.optional(),
  creation_time: dateLike.optional(),
  last_update_time: dateLike.optional(),
});
export type Product = z.output<typeof product>;

const variantWriteResult = z.looseObject({ code: nullableString.optional(), updated_yn: yn.optional(), messages });

export const productWriteResult = z.looseObject({
  product_id: id.nullable().optional(),
  code: nullableString.optional(),
  updated_yn: yn.optional(),
  inserted_yn: yn.optional(),
  messages,
  variants: z.array(variantWriteResult).optional(),
});
export type ProductWriteResult = z.output<typeof productWriteResult>;

export const parameter = z.looseObject({
  id: id,
  descriptions: z.array(z.looseObject({ language: z.string().optional(), name: nullableString.optional() })).optional(),
  values: z.array(z.looseObject({ id: id.optional() })).optional(),
  display_in_product_list_yn: ynNullable.optional(),
});
export type Parameter = z.output<typeof parameter>;

export const category = z.looseObject({
  category_id: id,
  code: nullableString.optional(),
  parent_id: id.nullable().optional(),
  active_yn: ynNullable.optional(),
  metas: metas.optional(),
  creation_time: dateLike.optional(),
  last_update_time: dateLike.optional(),
});
export type Category = z.output<typeof category>;
