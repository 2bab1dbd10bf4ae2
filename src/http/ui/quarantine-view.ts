// The iframe's view of the shop's quarantined (poison) records (issue 16.1): how many, and the first ids.
import type { AppDeps } from '../deps.js';

/** Ids shown on the page; the count covers them all. */
const SHOWN = 20;

export interface QuarantineView {
  count: number;
  ids: Array<{ resource: string; id: string }>;
}

/** Null when the database did not answer (the page renders without the line). */
export async function loadQuarantineView(deps: Pick<AppDeps, 'stores' | 'logger'>, shopToken: string): Promise<QuarantineView | null> {
  try {
    const store = deps.stores.quarantine;
    const [count, entries] = await Promise.all([store.count(shopToken), store.list(shopToken, SHOWN)]);
    return { count, ids: entries.map((e) => ({ resource: e.resource, id: e.recordId })) };
  } catch (error) {
    deps.logger.warn({ err: error, shopToken }, 'iframe: quarantine read failed');
    return null;
  }
}
