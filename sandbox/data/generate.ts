// Deterministic seeded shop generation. One sequential PRNG per record kind decides the compact fields; the rest
// of each record is rendered on read. 100,000 orders + 10,000 products generate in well under a second.
import { Rng, hashSeed } from '../prng.js';
import { buildCatalog, buildCategories } from './catalog.js';
import type { CustomerRec, OrderRec, ProductRec, ShopData, VariantRec } from './model.js';
import { FIRST_NAMES, SURNAMES, VARIANT_SUFFIXES, asciiSlug } from './words.js';

export interface GenerateOptions {
  seed: number;
  projectName: string;
  languages: string[];
  orders: number;
  products: number;
  customers: number;
  categories: number;
  ordersSpreadDays: number;
  /** "Now" of the sandbox clock; all generated times lie before it. */
  now: number;
}

const NEWSLETTER = ['notset', 'no', 'yes', 'yes', 'excluded'] as const;
/** Status ids weighted toward finished orders, like a real shop's history. */
const STATUS_WEIGHTS = [1, 1, 2, 3, 4, 4, 4, 5, 5, 6];

export const customerEmail = (seed: number, id: number): string => {
  const r = new Rng(hashSeed(seed, 'c', id));
  return `${asciiSlug(r.pick(FIRST_NAMES))}.${asciiSlug(r.pick(SURNAMES))}.${id}@example.com`;
};

export function makeCustomer(seed: number, id: number, lang: string, at: number, rng: Rng): CustomerRec {
  return {
    i: id,
    id,
    email: customerEmail(seed, id),
    code: `C${String(id).padStart(5, '0')}`,
    created: at,
    updated: at,
    deleted: 0,
    lang,
    newsletter: rng.pick(NEWSLETTER),
    active: true,
    blocked: rng.chance(0.02),
    groups: rng.chance(0.1) ? { '3': 'VIP' } : {},
  };
}

export function makeProduct(id: number, at: number, rng: Rng): ProductRec {
  const code = String(1000 + id);
  const variantCount = rng.chance(0.6) ? 0 : rng.int(2, VARIANT_SUFFIXES.length);
  const variants: VariantRec[] = [];
  for (let k = 0; k < variantCount; k++) {
    // Variant ids derive from the product id so they are unique and stable without a global counter.
    variants.push({ id: id * 10 + k + 1, code: `${code}-${VARIANT_SUFFIXES[k]}`, stock: rng.int(0, 20), deleted: 0 });
  }
  return { i: id, id, code, created: at, updated: at, deleted: 0, stock: rng.chance(0.05) ? null : rng.int(0, 50), variants };
}

export function makeOrder(data: ShopData, num: number, at: number, rng: Rng): OrderRec {
  const statusId = rng.chance(0.02) ? null : rng.pick(STATUS_WEIGHTS);
  const cust = data.genCustomers > 0 && rng.chance(0.85) ? rng.int(1, data.genCustomers) : 0;
  const lang = rng.chance(0.7) ? (data.languages[0] ?? 'cs') : rng.pick(data.languages);
  return {
    i: num,
    num: String(num),
    created: at,
    updated: at,
    statusId,
    paid: statusId !== null && statusId >= 4 ? at + rng.int(0, 3_600_000) : null,
    cust,
    lang,
    deleted: 0,
  };
}

export function indexProduct(data: ShopData, p: ProductRec): void {
  data.productById.set(p.id, p);
  data.productByCode.set(p.code, p);
  for (const v of p.variants) data.variantByCode.set(v.code, { product: p, variant: v });
}

export function generateShop(o: GenerateOptions): ShopData {
  const day = 86_400_000;
  const start = o.now - o.ordersSpreadDays * day;
  const catalogStart = start - 30 * day;
  const data: ShopData = {
    seed: o.seed,
    projectName: o.projectName,
    languages: o.languages,
    catalog: buildCatalog(new Rng(hashSeed(o.seed, 'catalog')), o.projectName, o.languages, catalogStart),
    categories: buildCategories(new Rng(hashSeed(o.seed, 'categories')), o.categories, o.languages, catalogStart, start),
    orders: [],
    orderByNum: new Map(),
    products: [],
    productById: new Map(),
    productByCode: new Map(),
    variantByCode: new Map(),
    customers: [],
    customerById: new Map(),
    customerByEmail: new Map(),
    genProducts: o.products,
    genCustomers: o.customers,
    next: { order: 0, product: o.products + 1, customer: o.customers + 1, category: 100 + o.categories + 1 },
    emailsSent: [],
  };

  const cr = new Rng(hashSeed(o.seed, 'customers'));
  for (let id = 1; id <= o.customers; id++) {
    const at = catalogStart + Math.floor(((o.now - catalogStart) * (id - 1)) / Math.max(1, o.customers));
    const c = makeCustomer(o.seed, id, cr.chance(0.7) ? (o.languages[0] ?? 'cs') : cr.pick(o.languages), at, cr);
    c.updated = Math.min(o.now - 1000, at + cr.int(0, 10) * day);
    data.customers.push(c);
    data.customerById.set(id, c);
    data.customerByEmail.set(c.email, c);
  }

  const pr = new Rng(hashSeed(o.seed, 'products'));
  for (let id = 1; id <= o.products; id++) {
    const at = catalogStart + Math.floor(((start - catalogStart) * (id - 1)) / Math.max(1, o.products));
    const p = makeProduct(id, at, pr);
    p.updated = Math.min(o.now - 1000, at + pr.int(0, 60) * day);
    data.products.push(p);
    indexProduct(data, p);
  }

  const or = new Rng(hashSeed(o.seed, 'orders'));
  const firstNumber = 9_000_001;
  const span = o.now - 60_000 - start;
  for (let k = 0; k < o.orders; k++) {
    const at = start + Math.floor((span * k) / Math.max(1, o.orders)) + or.int(0, 999);
    const rec = makeOrder(data, firstNumber + k, at, or);
    rec.updated = Math.min(o.now - 1000, at + (or.chance(0.5) ? or.int(0, 5 * day) : 0));
    data.orders.push(rec);
    data.orderByNum.set(rec.num, rec);
  }
  data.next.order = firstNumber + o.orders;
  return data;
}
