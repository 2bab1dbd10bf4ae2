// Webhook bodies per family (upgates-reference.md §4.3): `project_name` plus a list of ids and times.
// At most 5000 records per call. We keep ids and times only; anything else in the body is ignored.
import { z } from 'zod';
import type { WebhookBatch } from '../../../workflows/lib/pending-set.js';
import { SYNC_INFO, SYNC_RESOURCES, SYNC_WEBHOOK_FAMILIES, syncWebhookFamily, type SyncResource } from '../../upgates/resources.js';

const MAX_RECORDS = 5000;
const id = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]).transform(String);
/** A time string, or a PHP DateTime object ({date, timezone_type, timezone}) as json_encode writes it. */
const time = z
  .union([z.string().max(64), z.looseObject({ date: z.string().max(64) }).transform((o) => o.date)])
  .nullish()
  .catch(null);

const itemSchema = (idField: string) =>
  z.looseObject({ [idField]: id, creation_time: time, last_update_time: time, deletion_time: time }).transform((o) => ({
    id: o[idField] as string,
    time: (o.deletion_time ?? o.last_update_time ?? o.creation_time ?? null) as string | null,
    deletion: typeof o.deletion_time === 'string' && o.deletion_time !== '',
  }));
/** Built once per id field (building a zod schema costs more than parsing one item; it ran per item). */
const itemSchemas = new Map<string, ReturnType<typeof itemSchema>>();
const itemSchemaFor = (idField: string) => {
  let schema = itemSchemas.get(idField);
  if (!schema) itemSchemas.set(idField, (schema = itemSchema(idField)));
  return schema;
};
type Item = { id: string; time: string | null; deletion: boolean };

/** Webhook list key -> resource and the id field of its items (from the sync table). `statuses` is OrderStatuses'. */
export const FAMILY_LISTS: Record<string, { resource: SyncResource; idField: string; family: string }> = Object.fromEntries(
  SYNC_RESOURCES.map((resource) => [
    SYNC_INFO[resource].webhook.listKey,
    { resource, idField: SYNC_INFO[resource].webhook.idField, family: syncWebhookFamily(resource) },
  ]),
);

const eventSchema = z
  .string()
  .max(100)
  .regex(/^[A-Za-z]+\.[A-Za-z]+$/);
const KNOWN_EVENT = new RegExp(`^(${SYNC_WEBHOOK_FAMILIES.join('|')})\\.(create|update|delete)$`, 'i');

/** `unknownShape`: part of the delivery did not fit what we know (family, fields); acknowledged anyway. */
export type ParsedWebhook =
  { ok: true; batches: WebhookBatch[]; records: number; unknownShape?: { event: string } } | { ok: false; message: string };

/**
 * Parses a delivery. The event (from the `?event=` we put in the URL we registered) tells a delete from a
 * create or update; without it, a `deletion_time` on the item decides.
 */
export function parseWebhookBody(body: unknown, eventParam: unknown): ParsedWebhook {
  let action: WebhookBatch['action'] | undefined;
  let event = 'unknown';
  let unknown = false;
  if (eventParam !== undefined) {
    const parsedEvent = eventSchema.safeParse(eventParam);
    if (!parsedEvent.success) return { ok: false, message: 'unknown event' };
    event = parsedEvent.data;
    if (KNOWN_EVENT.test(event)) action = event.split('.')[1]!.toLowerCase() as WebhookBatch['action'];
    else unknown = true;
  }
  // Not JSON at all is refused by the body parser; a JSON value that is not an object is refused here.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'invalid webhook payload (body)' };
  const batches: WebhookBatch[] = [];
  let records = 0;
  for (const [key, info] of Object.entries(FAMILY_LISTS)) {
    const list = (body as Record<string, unknown>)[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      unknown = true;
      continue;
    }
    const items: Item[] = [];
    for (const raw of list) {
      const item = itemSchemaFor(info.idField).safeParse(raw);
      if (item.success) items.push(item.data);
      else unknown = true;
    }
    if (!items.length) continue;
    records += items.length;
    // Variants only arrive in Products.delete; a product list key in a delete event is a product delete.
    const itemAction = (i: { deletion: boolean }): WebhookBatch['action'] =>
      key === 'variants' ? 'delete' : (action ?? (i.deletion ? 'delete' : 'update'));
    const deletes = items.filter((i) => itemAction(i) === 'delete');
    const upserts = items.filter((i) => itemAction(i) !== 'delete');
    if (upserts.length) batches.push({ resource: info.resource, action: 'update', items: upserts.map(({ id, time }) => ({ id, time })) });
    if (deletes.length) batches.push({ resource: info.resource, action: 'delete', items: deletes.map(({ id, time }) => ({ id, time })) });
  }
  if (records > MAX_RECORDS) return { ok: false, message: `more than ${MAX_RECORDS} records in one call` };
  if (records === 0) unknown = true;
  return { ok: true, batches, records, ...(unknown ? { unknownShape: { event } } : {}) };
}
