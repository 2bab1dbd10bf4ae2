// Spans around the record store's MongoDB writes (upsert, tombstone, purge), wrapped around the store object
// so src/db/record-store.ts keeps its own logic untouched. Shop, resource and record count; never contents.
import { inSpan, SpanKind } from './spans.js';

type Write = (...args: never[]) => Promise<unknown>;

function traced<F extends Write>(operation: string, write: F): F {
  return ((...args: Parameters<F>) => {
    const [shopToken, resource, records] = args as unknown[];
    return inSpan(
      `MongoDB ${operation} synced_records`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system': 'mongodb',
          'db.operation.name': operation,
          'upgates.shop': String(shopToken),
          ...(typeof resource === 'string' ? { 'upgates.resource': resource } : {}),
          ...(Array.isArray(records) ? { 'upgates.records': records.length } : {}),
        },
      },
      () => write(...args),
    );
  }) as F;
}

export function traceRecordWrites<Store extends { upsertMany: Write; tombstone: Write; purgeShop: Write }>(store: Store): Store {
  return {
    ...store,
    upsertMany: traced('upsert', store.upsertMany),
    tombstone: traced('tombstone', store.tombstone),
    purgeShop: traced('purge', store.purgeShop),
  };
}
