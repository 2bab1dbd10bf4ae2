// Small vocabularies for plausible Czech/Slovak/English shop data.
export const FIRST_NAMES = [
  'Jan',
  'Petr',
  'Eva',
  'Jana',
  'Tomáš',
  'Lucie',
  'Martin',
  'Kateřina',
  'Jiří',
  'Tereza',
  'Pavel',
  'Zuzana',
  'Marek',
  'Ľubica',
  'Šimon',
  'Anna',
];
export const SURNAMES = [
  'Novák',
  'Svoboda',
  'Dvořák',
  'Černý',
  'Procházka',
  'Kučera',
  'Veselý',
  'Horák',
  'Němec',
  'Marek',
  'Pokorný',
  'Král',
  'Růžička',
  'Beneš',
  'Fiala',
  'Sedláček',
];
export const CITIES = [
  { city: 'Praha', zip: '11000', country: 'cz' },
  { city: 'Brno', zip: '60200', country: 'cz' },
  { city: 'Ostrava', zip: '70200', country: 'cz' },
  { city: 'Plzeň', zip: '30100', country: 'cz' },
  { city: 'Olomouc', zip: '77900', country: 'cz' },
  { city: 'Bratislava', zip: '81101', country: 'sk' },
  { city: 'Košice', zip: '04001', country: 'sk' },
];
export const STREETS = ['Hlavní', 'Nádražní', '28. října', 'Školní', 'Lipová', 'Komenského', 'Husova', 'Zahradní'];
export const MANUFACTURERS = ['Zichovec', 'Permon', 'Bernard', 'Acme', 'Tatra', 'Koh-i-noor', 'Moravia'];
export const COMPANIES = ['Tintítko a.s.', 'Pivovar Novák s.r.o.', 'Alfa Obchod s.r.o.', 'Beta Trade a.s.'];

/** Product title parts per language; other languages fall back to English. */
export const PRODUCT_WORDS: Record<string, { adj: string[]; noun: string[]; unit: string }> = {
  cs: {
    adj: ['Modrý', 'Velký', 'Lehký', 'Klasický', 'Prémiový', 'Malý', 'Tmavý'],
    noun: ['batoh', 'hrnek', 'svetr', 'ležák', 'stan', 'nůž', 'šátek'],
    unit: 'ks',
  },
  sk: {
    adj: ['Modrý', 'Veľký', 'Ľahký', 'Klasický', 'Prémiový', 'Malý', 'Tmavý'],
    noun: ['batoh', 'hrnček', 'sveter', 'ležiak', 'stan', 'nôž', 'šatka'],
    unit: 'ks',
  },
  en: {
    adj: ['Blue', 'Big', 'Light', 'Classic', 'Premium', 'Small', 'Dark'],
    noun: ['backpack', 'mug', 'sweater', 'lager', 'tent', 'knife', 'scarf'],
    unit: 'pcs',
  },
};
export const VARIANT_SUFFIXES = ['S', 'M', 'L', 'XL'];

export const CATEGORY_NAMES: Record<string, string[]> = {
  cs: ['Oblečení', 'Nápoje', 'Outdoor', 'Doplňky', 'Kuchyně', 'Dárky', 'Výprodej', 'Novinky'],
  sk: ['Oblečenie', 'Nápoje', 'Outdoor', 'Doplnky', 'Kuchyňa', 'Darčeky', 'Výpredaj', 'Novinky'],
  en: ['Clothing', 'Drinks', 'Outdoor', 'Accessories', 'Kitchen', 'Gifts', 'Sale', 'New'],
};

export const CURRENCY: Record<string, string> = { cs: 'CZK', sk: 'EUR', en: 'EUR' };
export const TLD: Record<string, string> = { cs: 'cz', sk: 'sk', en: 'com' };

export function word(dict: Record<string, string[]>, lang: string, i: number): string {
  const list = dict[lang] ?? dict.en ?? [];
  return list[i % list.length] ?? '';
}

export const asciiSlug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
