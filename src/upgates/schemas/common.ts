// Building blocks for schemas that accept what Upgates really sends: unknown fields are kept (loose objects,
// so a field Upgates adds tomorrow reaches the database), booleans arrive as true/false or "1"/"0",
// ids as numbers or strings, and many fields are null or "".
import { z } from 'zod';

/** `_yn` flags: JSON booleans in responses, but "1"/"0", 1/0 or "true"/"false" in places. */
export const yn = z
  .union([z.boolean(), z.literal(1), z.literal(0), z.enum(['1', '0', 'true', 'false', ''])])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

export const ynNullable = yn.nullable();

/** Ids: documented as int or string depending on the endpoint (`shipments.id` is "4"). */
export const id = z.union([z.string(), z.number()]);

/** An id normalised to a string (order numbers are strings, but tolerate a number). */
export const key = id.transform(String);

export const nullableString = z.string().nullable();
export const nullableNumber = z.number().nullable();

/** A PHP `DateTime` serialised by json_encode, as seen in `agreements[].valid_to`. */
export const phpDateTime = z.looseObject({
  date: z.string(),
  timezone_type: z.number(),
  timezone: z.string(),
});
export type PhpDateTime = z.output<typeof phpDateTime>;

/** A timestamp: ISO 8601 string normally; a PHP DateTime object in some nested places; null or "" when unset. */
export const dateLike = z.union([z.string(), phpDateTime]).nullable();

/** Per-item `messages` of write results. */
export const errorMessage = z.looseObject({
  object: z.string().nullable().optional(),
  property: z.string().nullable().optional(),
  message: z.string(),
  level: z.string().optional(),
});
export const messages = z.array(errorMessage).default([]);

/** A meta value: one value, or per language as an array or (as really observed) an object keyed by language. */
const metaLanguageValue = z.looseObject({ language: z.string().optional(), value: z.unknown() });
export const meta = z.looseObject({
  key: z.string(),
  type: z.string().optional(),
  value: z.unknown().optional(),
  values: z.union([z.array(metaLanguageValue), z.record(z.string(), metaLanguageValue)]).optional(),
});
export const metas = z.array(meta);

/** Pagination fields of list responses; absent on endpoints that are not paginated. */
export const pageInfo = {
  current_page: z.coerce.number().optional(),
  current_page_items: z.coerce.number().optional(),
  number_of_pages: z.coerce.number().optional(),
  number_of_items: z.coerce.number().optional(),
};
