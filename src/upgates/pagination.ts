// Walks `?page=` lists. Upgates does not document what an empty result or a page past the end looks like
// (number_of_pages 0 or 1, an empty array, maybe no list key), so the walk stops on whichever comes first:
// an empty page, the last announced page, or a response without pagination fields (a non-paginated endpoint).

export interface PageInfo {
  current_page?: number | undefined;
  current_page_items?: number | undefined;
  number_of_pages?: number | undefined;
  number_of_items?: number | undefined;
}

export interface Page<T> {
  page: number;
  /** As announced by Upgates on this page (undefined for non-paginated endpoints). */
  numberOfPages: number | undefined;
  numberOfItems: number | undefined;
  items: T[];
}

export type FetchPage<T> = (page: number) => Promise<{ info: PageInfo; items: T[] }>;

export async function* walkPages<T>(fetchPage: FetchPage<T>, startPage = 1): AsyncGenerator<Page<T>, void, undefined> {
  for (let page = startPage; ; page++) {
    const { info, items } = await fetchPage(page);
    if (items.length === 0) return;
    yield { page, numberOfPages: info.number_of_pages, numberOfItems: info.number_of_items, items };
    if (info.number_of_pages === undefined || page >= info.number_of_pages) return;
  }
}

/** Collects every item of a walk; for code lists (statuses, shipments) that are small by nature. */
export async function collectPages<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.items);
  return all;
}
