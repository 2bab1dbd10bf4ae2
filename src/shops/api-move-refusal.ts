// A shop whose 301 named an api_url outside the API host policy (src/upgates/api-host-policy.ts). Nothing
// was sent there; the refusal is stored on the shop so every later activity stops before any request, the
// iframe tells the merchant, and a new activation (new credentials, new credentialsVersion) lifts it.
// The shop store writes it (src/db/shop-store.ts, recordApiMoveRefusal).

/** What MongoDB hands back (every field nullable). */
type StoredRefusal = { host?: string | null; reason?: string | null; at?: Date | null; credentialsVersion?: number | null };
type ShopWithRefusal = { apiMoveRefused?: StoredRefusal | null; credentialsVersion?: number | null };

export interface ApiMoveRefusal {
  host: string;
  reason: string;
  at: Date;
  credentialsVersion: number;
}

/** The refusal of a move to `refusedApiUrl` for the credentials of `credentialsVersion` (only its host is kept). */
export function apiMoveRefusalOf(refusedApiUrl: string, reason: string, credentialsVersion: number, at = new Date()): ApiMoveRefusal {
  return { host: hostOf(refusedApiUrl), reason, at, credentialsVersion };
}

/** The refusal that still applies to the shop's current credentials, if any. */
export function activeApiMoveRefusal(shop: ShopWithRefusal): ApiMoveRefusal | null {
  const refusal = shop.apiMoveRefused;
  if (!refusal || refusal.credentialsVersion !== (shop.credentialsVersion ?? 0)) return null;
  return refusal as ApiMoveRefusal;
}

const NOTICE: Record<string, (host: string) => string> = {
  cs: (host) => `Synchronizace je zastavena: Upgates ohlásil přesun API na ${host}, což není adresa Upgates. Aktivujte doplněk znovu.`,
  sk: (host) => `Synchronizácia je zastavená: Upgates ohlásil presun API na ${host}, čo nie je adresa Upgates. Aktivujte doplnok znova.`,
  en: (host) => `Sync is stopped: Upgates reported an API move to ${host}, which is not an Upgates address. Activate the add-on again.`,
};

/** One line for the iframe page, or null when no refusal applies. */
export function apiMoveRefusalNotice(shop: ShopWithRefusal, lang: string): string | null {
  const refusal = activeApiMoveRefusal(shop);
  return refusal ? (NOTICE[lang] ?? NOTICE.en!)(refusal.host) : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
