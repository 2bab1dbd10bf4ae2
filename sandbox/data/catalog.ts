// The small, fully materialised lists of a shop: languages, order statuses, shipments, payments, categories,
// parameters, owner and config. Generated once from the shop seed.
import { Rng } from '../prng.js';
import { CATEGORY_NAMES, CITIES, COMPANIES, CURRENCY, STREETS, TLD, asciiSlug, word } from './words.js';

export interface Catalog {
  languages: Record<string, unknown>[];
  orderStatuses: OrderStatus[];
  shipments: Record<string, unknown>[];
  payments: Record<string, unknown>[];
  parameters: Record<string, unknown>[];
  owner: Record<string, unknown>;
  config: Record<string, unknown>;
}

export interface OrderStatus {
  id: number;
  type: string;
  color: string;
  names: Record<string, string>;
  mark_resolved_yn: boolean;
  mark_paid_yn: boolean;
  created: number;
  updated: number;
}

const STATUS_DEFS: Array<[string, string, Record<string, string>, boolean, boolean]> = [
  ['Received', '#beff4d', { cs: 'Přijatá', sk: 'Prijatá', en: 'Received' }, false, false],
  ['Canceled', '#ff4d4d', { cs: 'Stornovaná', sk: 'Stornovaná', en: 'Canceled' }, true, false],
  ['Custom', '#ffd24d', { cs: 'Vyřizuje se', sk: 'Vybavuje sa', en: 'Processing' }, false, false],
  ['Sent', '#4da6ff', { cs: 'Odeslaná', sk: 'Odoslaná', en: 'Sent' }, true, false],
  ['PaymentSuccessful', '#4dff88', { cs: 'Zaplacená', sk: 'Zaplatená', en: 'Paid' }, false, true],
  ['Custom', '#c44dff', { cs: 'Připravena k vyzvednutí', sk: 'Pripravená na vyzdvihnutie', en: 'Ready for pickup' }, false, false],
];

const SHIPMENT_DEFS: Array<[string, string, string[] | null, Record<string, string>, number]> = [
  ['ZAS', 'zasilkovna', ['zasilkovna'], { cs: 'Zásilkovna', sk: 'Packeta', en: 'Packeta' }, 79],
  ['PPL', 'ppl', null, { cs: 'PPL', sk: 'PPL', en: 'PPL' }, 119],
  ['CP', 'ceskaPosta', ['balikovna', 'naPostu'], { cs: 'Česká pošta', sk: 'Česká pošta', en: 'Czech Post' }, 99],
  ['DPD', 'dpd', ['dpdBox'], { cs: 'DPD', sk: 'DPD', en: 'DPD' }, 109],
  ['OSOBNE', 'custom', null, { cs: 'Osobní odběr', sk: 'Osobný odber', en: 'Personal pickup' }, 0],
];

const PAYMENT_DEFS: Array<[string, string, Record<string, string>, number]> = [
  ['PREVOD', 'command', { cs: 'Platba předem bankovním převodem', sk: 'Platba vopred prevodom', en: 'Bank transfer' }, 0],
  ['DOBIRKA', 'cashOnDelivery', { cs: 'Dobírka', sk: 'Dobierka', en: 'Cash on delivery' }, 39],
  ['KARTA', 'comgate', { cs: 'Platba kartou', sk: 'Platba kartou', en: 'Card' }, 0],
  ['HOTOVE', 'cash', { cs: 'Hotově', sk: 'V hotovosti', en: 'Cash' }, 0],
];

const PARAMETER_DEFS: Array<[Record<string, string>, Array<Record<string, string>>]> = [
  [
    { cs: 'Barva', sk: 'Farba', en: 'Colour' },
    [
      { cs: 'Modrá', sk: 'Modrá', en: 'Blue' },
      { cs: 'Černá', sk: 'Čierna', en: 'Black' },
      { cs: 'Zelená', sk: 'Zelená', en: 'Green' },
    ],
  ],
  [
    { cs: 'Velikost', sk: 'Veľkosť', en: 'Size' },
    [
      { cs: 'S', sk: 'S', en: 'S' },
      { cs: 'M', sk: 'M', en: 'M' },
      { cs: 'L', sk: 'L', en: 'L' },
    ],
  ],
  [
    { cs: 'Materiál', sk: 'Materiál', en: 'Material' },
    [
      { cs: 'Bavlna', sk: 'Bavlna', en: 'Cotton' },
      { cs: 'Vlna', sk: 'Vlna', en: 'Wool' },
    ],
  ],
];

export const nameIn = (names: Record<string, string>, lang: string): string => names[lang] ?? names.en ?? Object.values(names)[0] ?? '';

export function buildCatalog(rng: Rng, projectName: string, languages: string[], createdAt: number): Catalog {
  const slug = asciiSlug(projectName);
  const langs = languages.map((lang, i) => ({
    language_id: lang,
    actual_language_id: lang,
    active_yn: true,
    default_yn: i === 0,
    domain: `www.${slug}.${TLD[lang] ?? 'eu'}`,
    currency_id: CURRENCY[lang] ?? 'EUR',
    default_country_id: lang === 'sk' ? 'sk' : 'cz',
    logo_url: `https://${slug}.cdn-upgates.example/logo.svg`,
    logo_no_svg: `https://${slug}.cdn-upgates.example/logo.png`,
  }));
  const orderStatuses = STATUS_DEFS.map(([type, color, names, resolved, paid], i) => ({
    id: i + 1,
    type,
    color,
    names,
    mark_resolved_yn: resolved,
    mark_paid_yn: paid,
    created: createdAt,
    updated: createdAt,
  }));
  const shipments = SHIPMENT_DEFS.map(([code, type, affiliates, names, price], i) => ({
    id: String(i + 1),
    code,
    image_url: null,
    type,
    active_yn: true,
    affiliates,
    tracking_url: type === 'custom' ? null : `https://tracking.${type.toLowerCase()}.example/?id=`,
    internal_note: null,
    descriptions: languages.map((lang) => ({ language_id: lang, name: nameIn(names, lang), description: null, price, free_from: 2000 })),
    metas: [],
  }));
  const payments = PAYMENT_DEFS.map(([code, type, names, price], i) => ({
    id: String(i + 1),
    code,
    image_url: null,
    type,
    active_yn: true,
    descriptions: languages.map((lang) => ({
      language_id: lang,
      name: nameIn(names, lang),
      description: null,
      price,
      price_type: 'fixed',
      free_from: null,
    })),
    metas: [],
  }));
  let valueId = 1;
  const parameters = PARAMETER_DEFS.map(([names, values], i) => ({
    id: i + 1,
    descriptions: languages.map((lang) => ({ language: lang, name: nameIn(names, lang) })),
    values: values.map((v, j) => ({
      id: valueId++,
      descriptions: languages.map((lang) => ({ language: lang, value: nameIn(v, lang) })),
      image: null,
      position: j + 1,
    })),
    position: i + 1,
    display_type: 'select',
    display_in_product_list_yn: true,
    display_in_product_detail_yn: true,
    display_in_filters_as_slider_yn: false,
  }));
  const place = rng.pick(CITIES);
  const owner = {
    company: rng.pick(COMPANIES),
    company_number: String(rng.int(10_000_000, 99_999_999)),
    vat_number: null as string | null,
    vat_country_id: place.country,
    street: `${rng.pick(STREETS)} ${rng.int(1, 99)}`,
    city: place.city,
    state: null,
    zip: place.zip,
    country_id: place.country,
    language_id: languages[0] ?? 'cs',
    email: `info@${slug}.example`,
    phone: `+420 ${rng.int(600_000_000, 799_999_999)}`,
    firstname: 'Jan',
    surname: 'Novák',
    bank_account: '123456789/0800',
    bank_symbol: null,
    bank_specific_symbol: null,
    iban: null,
    swift: null,
  };
  owner.vat_number = `${place.country.toUpperCase()}${owner.company_number}`;
  const config = {
    config: { prices_with_vat_yn: true, vat_payer_yn: true, oss_yn: false, limit_orders: '0' },
    languages: {},
    pricelists: {},
  };
  return { languages: langs, orderStatuses, shipments, payments, parameters, owner, config };
}

export interface CategoryRec {
  id: number;
  code: string;
  parentId: number | null;
  position: number;
  names: Record<string, string>;
  created: number;
  updated: number;
  deleted: number;
  patch?: Record<string, unknown>;
}

export function buildCategories(rng: Rng, count: number, languages: string[], from: number, to: number): CategoryRec[] {
  const out: CategoryRec[] = [];
  for (let i = 0; i < count; i++) {
    const names: Record<string, string> = {};
    for (const lang of languages) names[lang] = `${word(CATEGORY_NAMES, lang, i)}${i >= 8 ? ` ${Math.floor(i / 8) + 1}` : ''}`;
    const created = from + Math.floor(((to - from) * i) / Math.max(1, count));
    out.push({
      id: 100 + i + 1,
      code: `K${String(i + 1).padStart(5, '0')}`,
      // The first third are top-level, the rest hang under an earlier category.
      parentId: i < Math.ceil(count / 3) ? null : 100 + rng.int(1, Math.ceil(count / 3)),
      position: i + 1,
      names,
      created,
      updated: created,
      deleted: 0,
    });
  }
  return out;
}
