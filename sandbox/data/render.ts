// Renders compact records into the JSON shapes the reference documents (§3), including observed quirks:
// customer `agreements[].valid_to` as a PHP DateTime object, product `metas[].values` keyed by language,
// customer `groups` as an object. Rendering is deterministic: details come from rngFor(seed, kind, index).
import { rngFor } from '../prng.js';
import { isoTime, phpDateTime } from '../time.js';
import { nameIn } from './catalog.js';
import type { CategoryRec, OrderStatus } from './catalog.js';
import type { CustomerRec, OrderRec, ProductRec, ShopData } from './model.js';
import { CITIES, COMPANIES, CURRENCY, FIRST_NAMES, MANUFACTURERS, PRODUCT_WORDS, STREETS, SURNAMES, TLD, asciiSlug } from './words.js';

type Json = Record<string, unknown>;
const round2 = (n: number): number => Math.round(n * 100) / 100;
const adminBase = (d: ShopData): string => `https://${asciiSlug(d.projectName)}.admin.s1.upgates.example`;
const domain = (d: ShopData, lang: string): string => `https://www.${asciiSlug(d.projectName)}.${TLD[lang] ?? 'eu'}`;
/** Prices are generated in CZK; EUR mutations use a fixed rate. */
const inCurrency = (czk: number, lang: string): number => ((CURRENCY[lang] ?? 'EUR') === 'CZK' ? czk : round2(czk / 25));

export interface ProductBase {
  titles: Record<string, string>;
  price: number;
  weight: number;
  manufacturer: string;
  categoryIds: number[];
  parameterValueIds: number[];
}

export function productBase(d: ShopData, id: number): ProductBase {
  const r = rngFor(d.seed, 'p', id);
  const a = r.int(0, 6);
  const n = r.int(0, 6);
  const model = r.int(1, 999);
  const titles: Record<string, string> = {};
  for (const lang of d.languages) {
    const w = PRODUCT_WORDS[lang] ?? PRODUCT_WORDS.en!;
    titles[lang] = `${w.adj[a]} ${w.noun[n]} ${model}`;
  }
  const cats = d.categories.length > 0 ? [r.pick(d.categories).id] : [];
  return {
    titles,
    price: r.int(49, 4999),
    weight: r.int(50, 5000),
    manufacturer: r.pick(MANUFACTURERS),
    categoryIds: cats,
    parameterValueIds: [r.int(1, 3)],
  };
}

export function renderOrderStatus(s: OrderStatus, languages: string[]): Json {
  return {
    id: s.id,
    type: s.type,
    color: s.color,
    descriptions: languages.map((lang) => ({ language_id: lang, name: nameIn(s.names, lang) })),
    mark_resolved_yn: s.mark_resolved_yn,
    mark_paid_yn: s.mark_paid_yn,
    last_update_time: isoTime(s.updated),
    creation_time: isoTime(s.created),
  };
}

function customerPerson(
  d: ShopData,
  id: number,
): {
  firstname: string;
  surname: string;
  phone: string;
  street: string;
  city: string;
  zip: string;
  country: string;
  company: string | null;
} {
  const r = rngFor(d.seed, 'c', id);
  const firstname = r.pick(FIRST_NAMES);
  const surname = r.pick(SURNAMES);
  const place = r.pick(CITIES);
  return {
    firstname,
    surname,
    phone: `+420${r.int(600_000_000, 799_999_999)}`,
    street: `${r.pick(STREETS)} ${r.int(1, 150)}`,
    city: place.city,
    zip: place.zip,
    country: place.country,
    company: r.chance(0.15) ? r.pick(COMPANIES) : null,
  };
}

export function renderCustomer(d: ShopData, c: CustomerRec): Json {
  const p = customerPerson(d, c.i);
  const patch = c.patch ?? {};
  const company = (patch.company as Json | undefined) ?? {
    name: p.company,
    company_number: p.company ? '55555555' : null,
    vat_number: p.company ? 'CZ55555555' : null,
    vat_payer_yn: !!p.company,
  };
  return {
    customer_id: c.id,
    type: patch.type ?? (p.company ? 'company' : 'customer'),
    degree: patch.degree ?? null,
    firstname: patch.firstname ?? p.firstname,
    surname: patch.surname ?? p.surname,
    nickname: patch.nickname ?? null,
    code: c.code,
    language: c.lang,
    newsletter_yn: c.newsletter === 'yes',
    newsletter_accept: c.newsletter,
    pricelist: patch.pricelist ?? 'Výchozí',
    base_turnover: patch.base_turnover ?? 0,
    turnover: '0',
    turnover_currency: CURRENCY[c.lang] ?? 'CZK',
    company,
    communication: (patch.communication as Json | undefined) ?? { phone: p.phone, fax: null, im: null, salutation: null, declension: null },
    login: { active_yn: c.active, blocked_yn: c.blocked, email: c.email },
    groups: c.groups,
    note: patch.note ?? null,
    addresses: (patch.addresses as Json | undefined) ?? {
      billing: { street: p.street, city: p.city, state: null, zip_code: p.zip, country_id: p.country },
      postal: [],
    },
    metas: patch.metas ?? [],
    creation_time: isoTime(c.created),
    last_update_time: isoTime(c.updated),
    admin_url: `${adminBase(d)}/manager/customers/edit/${c.id}`,
  };
}

export function renderCategory(d: ShopData, c: CategoryRec): Json {
  const patch = c.patch ?? {};
  return {
    code: c.code,
    category_id: c.id,
    parent_code: c.parentId === null ? null : (d.categories.find((x) => x.id === c.parentId)?.code ?? null),
    parent_id: c.parentId,
    position: c.position,
    active_yn: patch.active_yn ?? true,
    type: 'individual',
    type_of_items: 'withoutSubcategories',
    target_category_id: null,
    manufacturer: null,
    label: null,
    show_in_menu_yn: true,
    exclude_from_search_yn: false,
    descriptions: d.languages.map((lang) => {
      const name = nameIn(c.names, lang);
      return {
        language: lang,
        name,
        name_h1: name,
        description_text: '',
        url: `${domain(d, lang)}/${asciiSlug(name)}-${c.id}`,
        link_url: null,
      };
    }),
    images: [],
    metas: [],
    creation_time: isoTime(c.created),
    last_update_time: isoTime(c.updated),
    admin_url: `${adminBase(d)}/manager/categories/edit/${c.id}`,
  };
}

const availability = (stock: number | null): [number, string, string] =>
  stock === null || stock > 0 ? [1, 'Skladem', 'InStock'] : [2, 'Na objednávku', 'OnRequest'];

export function renderProduct(d: ShopData, p: ProductRec, opts: { simple?: boolean; language?: string } = {}): Json {
  const base = productBase(d, p.id);
  const patch = p.patch ?? {};
  const langs = opts.language ? [opts.language] : d.languages;
  const [availabilityId, availabilityName, availabilityType] = availability(p.stock);
  const out: Json = {
    code: p.code,
    product_id: p.id,
    action_currently_yn: false,
    code_supplier: patch.code_supplier ?? null,
    supplier: null,
    ean: patch.ean ?? null,
    active_yn: patch.active_yn ?? true,
    archived_yn: patch.archived_yn ?? false,
    replacement_product_code: patch.replacement_product_code ?? null,
    can_add_to_basket_yn: patch.can_add_to_basket_yn ?? true,
    adult_yn: patch.adult_yn ?? false,
    set_yn: false,
    in_set_yn: false,
    exclude_from_search_yn: false,
  };
  if (!opts.simple) {
    out.descriptions = langs.map((lang) => {
      const title = base.titles[lang] ?? `Product ${p.id}`;
      const seoUrl = `${asciiSlug(title)}-${p.id}`;
      return {
        language: lang,
        title,
        short_description: `${title} – ${base.manufacturer}`,
        long_description: `<p>${title}</p>`,
        url: `${domain(d, lang)}/p/${seoUrl}`,
        seo_title: null,
        seo_description: null,
        seo_url: seoUrl,
        unit: (PRODUCT_WORDS[lang] ?? PRODUCT_WORDS.en!).unit,
        ...(p.descPatch?.[lang] ?? {}),
      };
    });
  }
  Object.assign(out, {
    manufacturer: patch.manufacturer ?? base.manufacturer,
    stock: p.stock,
    stock_position: patch.stock_position ?? null,
    limit_orders: null,
    availability_id: availabilityId,
    availability: availabilityName,
    availability_type: availabilityType,
    weight: patch.weight ?? base.weight,
    shipment_group: null,
    images: [
      {
        file_id: p.id,
        url: `https://${asciiSlug(d.projectName)}.cdn-upgates.example/i/${p.code}.jpg`,
        main_yn: true,
        list_yn: true,
        position: 1,
        titles: [],
      },
    ],
    stocks: [],
    categories: base.categoryIds.map((id, k) => {
      const cat = d.categories.find((c) => c.id === id);
      return {
        category_id: id,
        code: cat?.code ?? null,
        main_yn: k === 0,
        position: 1,
        name: cat ? nameIn(cat.names, langs[0] ?? 'cs') : null,
      };
    }),
    groups: [],
  });
  if (!opts.simple) {
    out.prices = langs.map((lang) => {
      const price = inCurrency(base.price, lang);
      return {
        language: lang,
        currency: CURRENCY[lang] ?? 'EUR',
        pricelists: [
          {
            name: 'Výchozí',
            price_original: price,
            product_discount: null,
            product_discount_real: 0,
            price_sale: null,
            price_with_vat: price,
            price_without_vat: round2(price / 1.21),
          },
        ],
        price_purchase: null,
        price_common: 0,
        vat: 21,
        recycling_fee: null,
      };
    });
    out.vats = { cz: 21 };
  }
  out.variants = p.variants
    .filter((v) => !v.deleted)
    .map((v, k) => {
      const [vaId, vaName, vaType] = availability(v.stock);
      return {
        code: v.code,
        code_supplier: null,
        ean: null,
        variant_id: v.id,
        active_yn: null,
        main_yn: k === 0,
        can_add_to_basket_yn: null,
        stock: v.stock,
        stock_position: null,
        availability_id: vaId,
        availability: vaName,
        availability_type: vaType,
        weight: null,
        image: null,
        stocks: [],
        prices: [],
        metas: [],
      };
    });
  if (!opts.simple) {
    // Quirk observed in real responses: `values` is an object keyed by language, not an array.
    const values: Record<string, { language: string; value: string }> = {};
    for (const lang of langs) values[lang] = { language: lang, value: lang === langs[0] ? '' : `/${lang}/` };
    out.metas = (patch.metas as unknown[] | undefined) ?? [
      { key: 'col', type: 'input', value: '' },
      { key: 'redirect_301', type: 'textarea', values },
    ];
  }
  out.creation_time = isoTime(p.created);
  out.last_update_time = isoTime(p.updated);
  out.admin_url = `${adminBase(d)}/manager/products/main/default/${p.id}`;
  return out;
}

function orderCustomer(d: ShopData, o: OrderRec, r: ReturnType<typeof rngFor>): Json {
  const c = o.cust ? d.customerById.get(o.cust) : undefined;
  const p = customerPerson(d, o.cust || 1_000_000 + o.i);
  const email = c?.email ?? `guest.${o.num}@example.com`;
  const validTo = r.chance(0.3) ? phpDateTime(o.created + 365 * 86_400_000) : null;
  return {
    email,
    phone: p.phone,
    code: c?.code ?? null,
    customer_id: c ? c.id : null,
    customer_pricelist_id: 1,
    pricelist_name: 'Výchozí',
    pricelist_percent: null,
    firstname_invoice: p.firstname,
    surname_invoice: p.surname,
    street_invoice: p.street,
    city_invoice: p.city,
    state_invoice: '',
    zip_invoice: p.zip,
    country_id_invoice: p.country,
    postal_yn: true,
    firstname_postal: p.firstname,
    surname_postal: p.surname,
    street_postal: p.street,
    city_postal: p.city,
    state_postal: '',
    zip_postal: p.zip,
    country_id_postal: p.country,
    company_postal: '',
    company_yn: !!p.company,
    company: p.company ?? '',
    ico: p.company ? '55555555' : '',
    dic: p.company ? 'CZ55555555' : '',
    vat_payer_yn: false,
    customer_note: '',
    // Quirk from real responses: PHP DateTime object or null.
    agreements: [{ name: 'Obchodní podmínky', valid_to: validTo, status: true }],
  };
}

export function renderOrder(d: ShopData, o: OrderRec): Json {
  const r = rngFor(d.seed, 'o', o.i);
  const lang = o.lang;
  const status = o.statusId === null ? undefined : d.catalog.orderStatuses.find((s) => s.id === o.statusId);
  const shipmentDef = r.pick(d.catalog.shipments);
  const paymentDef = r.pick(d.catalog.payments);
  const patch = o.patch ?? {};
  let products: Json[];
  let customer: Json;
  if (o.custom) {
    products = (o.custom.products as Json[] | undefined) ?? [];
    customer = (o.custom.customer as Json | undefined) ?? {};
  } else {
    customer = orderCustomer(d, o, r);
    const lines = r.int(1, 4);
    products = [];
    for (let k = 0; k < lines; k++) {
      const pid = d.genProducts > 0 ? r.int(1, d.genProducts) : 1;
      const base = productBase(d, pid);
      const rec = d.productById.get(pid);
      const alive = rec && !rec.deleted ? rec : undefined;
      const variant = alive && alive.variants.length > 0 ? r.pick(alive.variants) : undefined;
      const qty = r.int(1, 3);
      const unit = inCurrency(base.price, lang);
      products.push({
        product_id: alive ? alive.id : null,
        option_set_id: null,
        type: 'product',
        uuid: `${o.num}-${k}`,
        parent_uuid: null,
        code: variant?.code ?? String(1000 + pid),
        code_supplier: null,
        supplier: null,
        ean: null,
        title: base.titles[lang] ?? `Product ${pid}`,
        adult_yn: false,
        unit: (PRODUCT_WORDS[lang] ?? PRODUCT_WORDS.en!).unit,
        length: null,
        length_unit: 'ks',
        quantity: qty,
        price_per_unit: unit,
        price_per_unit_with_vat: unit,
        price_per_unit_without_vat: round2(unit / 1.21),
        price: round2(unit * qty),
        price_with_vat: round2(unit * qty),
        price_without_vat: round2((unit * qty) / 1.21),
        vat: 21,
        buy_price: null,
        recycling_fee: null,
        weight: base.weight,
        availability: 'Skladem',
        stock_position: null,
        invoice_info: '',
        parameters: [],
        configurations: [],
        categories: base.categoryIds.map((id) => ({ category_id: id, code: d.categories.find((c) => c.id === id)?.code ?? null })),
        image_url: `https://${asciiSlug(d.projectName)}.cdn-upgates.example/l/${pid}.jpg`,
      });
    }
  }
  const shipmentDesc =
    (shipmentDef.descriptions as Json[]).find((x) => x.language_id === lang) ?? (shipmentDef.descriptions as Json[])[0] ?? {};
  const paymentDesc =
    (paymentDef.descriptions as Json[]).find((x) => x.language_id === lang) ?? (paymentDef.descriptions as Json[])[0] ?? {};
  const shipPrice = inCurrency(Number(shipmentDesc.price ?? 0), lang);
  const payPrice = inCurrency(Number(paymentDesc.price ?? 0), lang);
  const itemsTotal = products.reduce((s, p) => s + Number(p.price ?? 0), 0);
  const total = round2(itemsTotal + shipPrice + payPrice);
  const weight = products.reduce((s, p) => s + Number(p.weight ?? 0) * Number(p.quantity ?? 1), 0);
  const trackingCode = patch.tracking_code ?? null;
  return {
    order_number: o.num,
    order_id: o.i,
    case_number: `B${String(o.i).slice(-5)}`,
    external_order_number: patch.external_order_number ?? null,
    uuid: `00000000-0000-4000-8000-${String(o.i).padStart(12, '0')}`,
    language_id: lang,
    currency_id: CURRENCY[lang] ?? 'EUR',
    default_currency_rate: (CURRENCY[lang] ?? 'EUR') === 'CZK' ? 1 : 0.04,
    prices_with_vat_yn: true,
    status_id: o.statusId,
    status: status ? nameIn(status.names, lang) : null,
    paid_date: o.paid === null ? null : isoTime(o.paid),
    tracking_code: trackingCode,
    tracking_url: trackingCode && shipmentDef.tracking_url ? `${String(shipmentDef.tracking_url)}${trackingCode}` : null,
    statistics_yn: patch.statistics_yn ?? true,
    resolved_yn: patch.resolved_yn ?? status?.mark_resolved_yn ?? false,
    oss_yn: false,
    internal_note: patch.internal_note ?? null,
    last_update_time: isoTime(o.updated),
    creation_time: isoTime(o.created),
    variable_symbol: patch.variable_symbol ?? o.num,
    dimensions: { width: 0, length: 0, height: 0 },
    total_weight: weight,
    order_total: total,
    order_total_before_round: total,
    order_total_rest: 0,
    invoice_number: null,
    origin: o.custom ? 'api' : 'frontend',
    admin_url: `${adminBase(d)}/orders/edit-order/default/${o.i}`,
    customer,
    products,
    discount_voucher: null,
    quantity_discount: { type: 'percent', amount: 0, discounts: [] },
    loyalty_points: { one_point_for: 1, amount: 0, discounts: [] },
    shipment: {
      id: Number(shipmentDef.id),
      code: shipmentDef.code,
      name: shipmentDesc.name,
      price: shipPrice,
      price_with_vat: shipPrice,
      price_without_vat: round2(shipPrice / 1.21),
      vat: 21,
      affiliate_id: shipmentDef.type === 'zasilkovna' ? String(r.int(1000, 9999)) : null,
      affiliate_name: shipmentDef.type === 'zasilkovna' ? 'Z-BOX Praha' : null,
      type: shipmentDef.type,
      packeta_carrier_id: null,
    },
    payment: {
      id: Number(paymentDef.id),
      code: paymentDef.code,
      name: paymentDesc.name,
      price: payPrice,
      price_with_vat: payPrice,
      price_without_vat: round2(payPrice / 1.21),
      vat: 21,
      eet_yn: false,
      type: paymentDef.type,
    },
    attachments: [],
    metas: patch.metas ?? [],
  };
}
