// The iframe's notice for a refused version change (an Upgates version identifier UPGATES_VERSIONS does not
// map): the owner sees that the shop still runs its previous version, in cs, sk or en (English otherwise).
interface ShopWithVersionNotice {
  version: number;
  versionNotice?: { upgatesVersion?: string | null } | null;
}

const NOTICE: Record<string, (requested: string, kept: number) => string> = {
  en: (requested, kept) =>
    `The switch to add-on version "${requested}" is not configured yet; your shop keeps running version ${kept}. Please contact the add-on's vendor.`,
  cs: (requested, kept) =>
    `Přechod na verzi doplňku „${requested}“ zatím není nastaven; e-shop dál používá verzi ${kept}. Kontaktujte prosím dodavatele doplňku.`,
  sk: (requested, kept) =>
    `Prechod na verziu doplnku „${requested}“ zatiaľ nie je nastavený; e-shop naďalej používa verziu ${kept}. Kontaktujte prosím dodávateľa doplnku.`,
};

export function unmappedVersionNotice(shop: ShopWithVersionNotice, lang: string): string | null {
  const requested = shop.versionNotice?.upgatesVersion;
  if (requested == null) return null;
  return (NOTICE[lang] ?? NOTICE.en!)(requested, shop.version);
}
