// Generic reads over RESOURCE_INFO: one page, all pages, or records by id in chunks of 100 (`order_numbers=a;b`).
// Each response is validated with the resource's item schema; a mismatch fails the call (UpgatesValidationError).
import { z } from 'zod';
import { chunk, MAX_ITEMS_PER_REQUEST, uniqueIds } from './batching.js';
import type { CallOptions, UpgatesHttp } from './http.js';
import { walkPages, type Page, type PageInfo } from './pagination.js';
import type { Query } from './query.js';
import { access, RESOURCE_INFO } from './resources.js';
import { ITEM_SCHEMAS, pageInfo, type ByIdResource, type ItemOf, type ListResource } from './schemas/index.js';
import { parseResponse } from './validate.js';

/** One page of a list: its items and Upgates' pagination fields (absent on non-paginated endpoints). */
export interface ListResponse<T> {
  items: T[];
  info: PageInfo;
}

const listSchemas = new Map<ListResource, z.ZodType>();

/** `{ current_page…, <listKey>: Item[] }`; a missing list key counts as an empty list. */
function listSchema<R extends ListResource>(resource: R): z.ZodType<ListResponse<ItemOf<R>>> {
  let schema = listSchemas.get(resource);
  if (!schema) {
    const listKey = RESOURCE_INFO[resource].listKey ?? resource;
    schema = z.looseObject({ ...pageInfo, [listKey]: z.array(ITEM_SCHEMAS[resource]).optional() }).transform((body) => ({
      items: (body[listKey] as unknown[] | undefined) ?? [],
      info: {
        current_page: body.current_page,
        current_page_items: body.current_page_items,
        number_of_pages: body.number_of_pages,
        number_of_items: body.number_of_items,
      },
    }));
    listSchemas.set(resource, schema);
  }
  return schema as z.ZodType<ListResponse<ItemOf<R>>>;
}

export interface ListOptions extends CallOptions {
  /** Path under the resource path, e.g. `/simple` for `/products/simple`. */
  subPath?: string;
}

export async function getList<R extends ListResource>(
  http: UpgatesHttp,
  resource: R,
  query: Query | undefined,
  options: ListOptions = {},
): Promise<ListResponse<ItemOf<R>>> {
  const body = await http.request({
    method: 'GET',
    access: access(resource, 'GET'),
    path: `${RESOURCE_INFO[resource].path}${options.subPath ?? ''}`,
    query,
    priority: options.priority,
  });
  return parseResponse(resource, listSchema(resource), body);
}

/** Every page of a list, lazily: the caller can stop early (and store progress) between pages. */
export function iteratePages<R extends ListResource>(
  http: UpgatesHttp,
  resource: R,
  query: Query = {},
  options: ListOptions = {},
): AsyncGenerator<Page<ItemOf<R>>, void, undefined> {
  return walkPages((page) => getList(http, resource, { ...query, page }, options));
}

/** Records by id, at most 100 ids per request, duplicates removed, in order of the chunks. */
export async function fetchByIds<R extends ByIdResource>(
  http: UpgatesHttp,
  resource: R,
  ids: readonly (string | number)[],
  options: ListOptions = {},
): Promise<ItemOf<R>[]> {
  const idsQuery = RESOURCE_INFO[resource].idsQuery;
  if (!idsQuery) throw new Error(`Upgates cannot fetch ${resource} by ids`);
  const items: ItemOf<R>[] = [];
  for (const ids100 of chunk(uniqueIds(ids), MAX_ITEMS_PER_REQUEST)) {
    // 100 ids fit on one page for every by-id resource except products (50 per page): walk the pages.
    for await (const page of iteratePages(http, resource, { [idsQuery]: ids100 }, options)) items.push(...page.items);
  }
  return items;
}
