// Compares our MongoDB mirror with the sandbox's current data, record by record.
import type { Database } from '../../src/db/connection.js';
import type { SandboxShop } from '../../sandbox/index.js';
import { ITEM_SCHEMAS } from '../../src/upgates/schemas/index.js';

const ID_FIELDS: Record<string, string> = {
  orders: 'order_number',
  products: 'product_id',
  customers: 'customer_id',
  categories: 'category_id',
  orderStatuses: 'id',
  languages: 'language_id',
  shipments: 'id',
  payments: 'id',
};

export interface MirrorDiff {
  resource: string;
  missing: string[];
  extra: string[];
  stale: string[];
  checked: number;
}

export async function diffMirror(
  db: Database,
  shop: SandboxShop,
  resource: keyof typeof ID_FIELDS,
  filter?: (record: Record<string, unknown>) => boolean,
): Promise<MirrorDiff> {
  const source = ((shop.data as unknown as Record<string, unknown>)[resource] as Array<Record<string, unknown>>).filter(
    filter ?? (() => true),
  );
  const docs = await db.models.SyncedRecord.find({ shopToken: shop.token, resource, deleted: false }).lean();
  const mine = new Map(docs.map((d) => [d.recordId, d.data as Record<string, unknown>]));
  const missing: string[] = [];
  const stale: string[] = [];
  const expected = new Set<string>();
  for (const record of source) {
    const id = String(record[ID_FIELDS[resource]!]);
    expected.add(id);
    const stored = mine.get(id);
    if (!stored) missing.push(id);
    // The client stores what its schema parsed (flags normalised to booleans, ids to strings): compare with that.
    else if (canonical(stored) !== canonical(normalise(resource, record))) stale.push(id);
  }
  const extra = [...mine.keys()].filter((id) => !expected.has(id));
  return { resource, missing, extra, stale, checked: source.length };
}

function normalise(resource: string, record: Record<string, unknown>): unknown {
  const schema = (ITEM_SCHEMAS as Record<string, { parse(v: unknown): unknown }>)[resource];
  const plain = JSON.parse(JSON.stringify(record)) as unknown;
  return schema ? schema.parse(plain) : plain;
}

/** JSON with sorted keys, so key order does not matter. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
