// What Upgates' 401 and 403 answers leave on the shop, so that every later activity, in any worker process,
// stops before sending a request that cannot succeed (README "When Upgates says 401, 403 ..."):
// - credentials rejected (401): the latch holds while `credentialsVersion` is unchanged; a new activation stores
//   new credentials and bumps it, which is the only thing that lifts it. One stale shop then costs Upgates'
//   failed-login counter one attempt, not one per activity (5 per hour block the whole IP).
// - login blocked (403 on an always-allowed call too): no call before `loginBlockedUntil`.
// - access not granted (403 while the login works): that access is skipped while the credentials and the
//   manifest version stay; the iframe lists it.
// The writes live in the shop store (src/db/shop-store.ts: recordCredentialsRejected, recordLoginBlocked,
// recordAccessNotGranted); here are the readings of what they left.
import type { Access } from '../upgates/resources.js';

/** What MongoDB hands back (every field nullable). */
type StoredRejection = { at?: Date | null; credentialsVersion?: number | null };
type StoredNotGranted = { access?: string | null; at?: Date | null; credentialsVersion?: number | null; version?: number | null };
export type ShopWithApiAccessState = {
  credentialsVersion?: number | null;
  version?: number | null;
  credentialsRejected?: StoredRejection | null;
  loginBlockedUntil?: Date | null;
  accessesNotGranted?: StoredNotGranted[] | null;
};

// ---- 401 ------------------------------------------------------------------------------------------------

/** When Upgates rejected the shop's current credentials, or null. */
export function credentialsRejectedAt(shop: ShopWithApiAccessState): Date | null {
  const latch = shop.credentialsRejected;
  if (!latch?.at || latch.credentialsVersion !== (shop.credentialsVersion ?? 0)) return null;
  return latch.at;
}

// ---- 403: login block -----------------------------------------------------------------------------------

/** The end of a login block still running, or null. */
export function activeLoginBlock(shop: ShopWithApiAccessState, now = Date.now()): Date | null {
  const until = shop.loginBlockedUntil;
  return until && until.getTime() > now ? until : null;
}

// ---- 403: access not granted ----------------------------------------------------------------------------

/** Accesses refused for the shop's current credentials and manifest version. */
export function accessesNotGranted(shop: ShopWithApiAccessState): Access[] {
  const current = (shop.accessesNotGranted ?? []).filter(
    (entry) => entry.credentialsVersion === (shop.credentialsVersion ?? 0) && entry.version === (shop.version ?? 0) && entry.access,
  );
  return [...new Set(current.map((entry) => entry.access as Access))];
}

// ---- iframe ---------------------------------------------------------------------------------------------

const REJECTED: Record<string, string> = {
  cs: 'Synchronizace je zastavena: Upgates odmítl přístupové údaje doplňku (HTTP 401). Aktivujte doplněk znovu.',
  sk: 'Synchronizácia je zastavená: Upgates odmietol prístupové údaje doplnku (HTTP 401). Aktivujte doplnok znova.',
  en: 'Sync is stopped: Upgates rejected the add-on credentials (HTTP 401). Activate the add-on again.',
};

const NOT_GRANTED: Record<string, (list: string) => string> = {
  cs: (list) => `Upgates doplňku nepovolil tyto přístupy, jsou přeskočeny: ${list}.`,
  sk: (list) => `Upgates doplnku nepovolil tieto prístupy, sú preskočené: ${list}.`,
  en: (list) => `Upgates did not grant these accesses to the add-on; they are skipped: ${list}.`,
};

/** One line for the iframe when the credentials were rejected, or null. */
export function credentialsRejectedNotice(shop: ShopWithApiAccessState, lang: string): string | null {
  return credentialsRejectedAt(shop) ? (REJECTED[lang] ?? REJECTED.en!) : null;
}

/** One line for the iframe listing the accesses not granted, or null. */
export function accessesNotGrantedNotice(shop: ShopWithApiAccessState, lang: string): string | null {
  const list = accessesNotGranted(shop);
  return list.length ? (NOT_GRANTED[lang] ?? NOT_GRANTED.en!)(list.join(', ')) : null;
}
