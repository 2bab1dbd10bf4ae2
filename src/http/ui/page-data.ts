// Everything the iframe page shows, gathered in parallel from MongoDB, the usage ledger and the shop
// workflow's query. Temporal is optional here: a query that fails or takes longer than a moment leaves
// `live` null and the page falls back to stored data, so the merchant sees a page even when Temporal is down.
import { PROFILE_NAMES, expectedCallsPerDay, getProfile, type ProfileVersion } from '../../profiles/index.js';
import type { AddonProfileName } from '../../config.js';
import { shopWorkflowId } from '../../temporal/workflow-ids.js';
import { accessesNotGrantedNotice, credentialsRejectedNotice } from '../../shops/api-access-state.js';
import { apiMoveRefusalNotice } from '../../shops/api-move-refusal.js';
import { activeSuspension, type ServiceSuspension } from '../../shops/service-suspension.js';
import { utcDay } from '../../upgates/usage-ledger.js';
import { shopStateQuery, type ShopStatusView } from '../../../workflows/messages.js';
import type { AppDeps } from '../deps.js';
import { withDatabaseDeadline } from '../database-deadline.js';
import { unmappedVersionNotice } from '../lifecycle/version-notice.js';
import { effectiveSettings, type SettingValues } from './settings-form.js';
import { loadQuarantineView, type QuarantineView } from './quarantine-view.js';
import type { Stores } from '../../db/stores.js';

const QUERY_DEADLINE_MS = 1500;
/** How long the page waits for record counts before it renders without them (they finish into the cache). */
const COUNT_BUDGET_MS = 1500;
const COUNT_TTL_MS = 15_000;

export interface ShipmentOption {
  id: string;
  name: string;
}

export interface PageData {
  shop: {
    token: string;
    status: string;
    projectName: string | null;
    installError: string | null;
    lastWebhookAt: Date | null;
    /** The vendor suspended the service (from the Shop document, so it shows even when Temporal is down). */
    suspension: ServiceSuspension | null;
  };
  account: { company: string | null; companyNumber: string | null } | null;
  profile: ProfileVersion | null;
  /** Records per resource, tombstones excluded; null when the database did not answer within the budget. */
  counts: Record<string, number | null>;
  live: ShopStatusView | null;
  usage: { total: number; budget: number };
  settings: SettingValues;
  shipments: ShipmentOption[];
  /** Poison records waiting in quarantine (issue 16.1); null when not read. */
  quarantine?: QuarantineView | null;
  /** Event deliveries to the vendor's system (VENDOR_EVENTS_URL); absent when not configured or not read. */
  vendorEvents?: { failingSince: Date | null } | null;
}

export function profileOf(shop: { profile: string; version: number }): ProfileVersion | null {
  if (!(PROFILE_NAMES as string[]).includes(shop.profile)) return null;
  try {
    return getProfile(shop.profile as AddonProfileName, shop.version);
  } catch {
    return null;
  }
}

/** The shop workflow's state, or null when Temporal or the workflow cannot answer within the deadline. */
export async function queryShopState(deps: AppDeps, shopToken: string): Promise<ShopStatusView | null> {
  const query = deps.temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
    deps.temporal.workflow.getHandle(shopWorkflowId(shopToken)).query(shopStateQuery),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUERY_DEADLINE_MS + 250)));
  try {
    return await Promise.race([query, timeout]);
  } catch (error) {
    deps.logger.debug({ err: error, shopToken }, 'iframe: shop state query failed');
    return null;
  } finally {
    clearTimeout(timer);
    query.catch(() => undefined);
  }
}

/**
 * Shipping methods (from the synced `shipments` code list) for carrier pairing, named in the page language.
 * Read as live records (one per id, its newest version): a plain find lists a method twice, once with its old
 * name, while the FerretDB write path holds both versions of a changed one.
 */
export async function loadShipments(
  deps: { stores: Pick<Stores, 'liveRecords'> },
  shopToken: string,
  lang: string,
): Promise<ShipmentOption[]> {
  const records = await deps.stores.liveRecords.read(shopToken, 'shipments');
  return records
    .map((record) => ({ id: record.recordId, name: shipmentName(record.data, lang) ?? record.recordId }))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

function shipmentName(data: unknown, lang: string): string | undefined {
  const record = data as { code?: unknown; descriptions?: Array<{ language_id?: unknown; name?: unknown }> } | null;
  const descriptions = Array.isArray(record?.descriptions) ? record.descriptions : [];
  const named =
    descriptions.find((d) => d.language_id === lang && typeof d.name === 'string') ?? descriptions.find((d) => typeof d.name === 'string');
  if (typeof named?.name === 'string' && named.name) return named.name;
  return typeof record?.code === 'string' ? record.code : undefined;
}

type Counts = Record<string, number>;
const countCache = new Map<string, { at: number; counts: Promise<Counts> }>();

/**
 * Synced records per resource: distinct live ids (countLiveRecords; a document count would count a changed
 * record twice while the FerretDB write path holds both its versions), one aggregation over the unique index's
 * shopToken+resource prefix on MongoDB. FerretDB on SQLite scans instead and can take seconds under load, so
 * the page waits at most COUNT_BUDGET_MS; late counts still land in a short per-process cache for the
 * next view. Returns null when they are not ready in time.
 */
export async function recordCounts(deps: AppDeps, shopToken: string, resources: string[]): Promise<Counts | null> {
  const key = `${deps.db.connection.name}\u0000${shopToken}\u0000${resources.join(',')}`;
  const now = Date.now();
  for (const [k, entry] of countCache) if (now - entry.at > COUNT_TTL_MS) countCache.delete(k);
  let entry = countCache.get(key);
  if (!entry) {
    const counts = deps.stores.liveRecords.count(shopToken, resources);
    entry = { at: now, counts };
    countCache.set(key, entry);
    counts.catch(() => countCache.delete(key));
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), COUNT_BUDGET_MS)));
  try {
    return await Promise.race([entry.counts, late]);
  } catch (error) {
    deps.logger.warn({ err: error, shopToken }, 'iframe: record counts failed');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export async function loadPageData(deps: AppDeps, shopToken: string, lang: string): Promise<PageData | null> {
  const { shops, accounts, syncNotes } = deps.stores;
  // Database down: 503 at once (error-handler.ts), not a generic 500 after the driver's 5 s.
  const shop = await withDatabaseDeadline(deps.db.connection, () =>
    shops.findByToken(shopToken, { credentials: 0, webhookKeyHash: 0, webhookKeyNonce: 0 }),
  );
  if (!shop) return null;
  const profile = profileOf(shop);
  const resources = profile
    ? [...new Set([...profile.initialSync.map((s) => s.resource), ...profile.codeLists])].filter((r) => r !== 'owner')
    : [];
  const [account, live, usage, shipments, counts, notedWebhookAt] = await Promise.all([
    accounts.companyOf(shopToken, shop.accountId),
    queryShopState(deps, shopToken),
    deps.ledger.getUsage(shopToken, utcDay()),
    profile?.settings.some((d) => d.type === 'mapping' && d.from === 'shipments')
      ? loadShipments(deps, shopToken, lang)
      : Promise.resolve([]),
    recordCounts(deps, shopToken, resources),
    syncNotes.lastWebhookAt(shopToken),
  ]);
  return {
    shop: {
      token: shop.token,
      status: shop.status,
      projectName: shop.projectName ?? null,
      installError:
        shop.installError ??
        apiMoveRefusalNotice(shop, lang) ??
        credentialsRejectedNotice(shop, lang) ??
        unmappedVersionNotice(shop, lang) ??
        accessesNotGrantedNotice(shop, lang),
      // Older releases noted it on the shop document; kept as the fallback for shops not flushed since.
      lastWebhookAt: notedWebhookAt ?? shop.lastWebhookAt ?? null,
      suspension: activeSuspension(shop),
    },
    account: account ? { company: account.company ?? null, companyNumber: account.companyNumber ?? null } : null,
    profile,
    counts: Object.fromEntries(resources.map((r) => [r, counts?.[r] ?? null])),
    live,
    usage: { total: usage.total, budget: profile ? expectedCallsPerDay(profile) : 0 },
    settings: profile ? effectiveSettings(profile.settings, shop.settings) : {},
    shipments,
    quarantine: await loadQuarantineView(deps, shopToken),
    vendorEvents: deps.config.vendorEvents ? await loadVendorEventsView(deps, shopToken) : null,
  };
}

/** One line on the page: delivering, or failing since when (null when the database did not answer). */
async function loadVendorEventsView(deps: AppDeps, shopToken: string): Promise<PageData['vendorEvents']> {
  try {
    const status = await deps.stores.vendorEventDeliveries.status(shopToken);
    return { failingSince: status?.failingSince ?? null };
  } catch (error) {
    deps.logger.warn({ err: error, shopToken }, 'iframe: vendor events status read failed');
    return null;
  }
}
