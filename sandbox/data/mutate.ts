// The mutation engine. Every change stamps the record with a strictly increasing sandbox time and emits the
// webhook event(s) the change would fire in Upgates. Used by the API routes (PUT/POST/DELETE) and by tests
// (`shop.mutate(...)`, `shop.updateOrder(...)`), so both paths behave the same.
import type { SandboxClock } from '../clock.js';
import { type ApiMessage, type Json, isObject, msg, toBool, toInt } from '../coerce.js';
import { Rng } from '../prng.js';
import { parseDate } from '../time.js';
import type { MutableResource, MutationResult, MutationSpec } from '../types.js';
import { type CategoryRec, nameIn } from './catalog.js';
import { indexProduct, makeCustomer, makeOrder, makeProduct } from './generate.js';
import type { CustomerRec, OrderRec, ProductRec, ShopData } from './model.js';
import { type ChangeEvent, categoryEvent, customerEvent, orderEvent, productEvent } from './webhook-items.js';

export interface MutationContext {
  data: ShopData;
  clock: SandboxClock;
  emit: (e: ChangeEvent) => void;
  rng: Rng;
}

export interface WriteResult {
  ok: boolean;
  messages: ApiMessage[];
}

const GROUP_NAMES: Record<string, string> = { '1': 'Základní', '2': 'Velkoobchod', '3': 'VIP' };

// ---------- orders ----------

export function findOrder(d: ShopData, num: string): OrderRec | undefined {
  const o = d.orderByNum.get(num);
  return o && !o.deleted ? o : undefined;
}

/** Applies a PUT /orders item (also the programmatic `updateOrder`). */
export function updateOrder(ctx: MutationContext, num: string, patch: Json, objectPath = 'orders[0]', sendEmails = true): WriteResult {
  const o = findOrder(ctx.data, num);
  if (!o) return { ok: false, messages: [msg(objectPath, 'order_number', `Order ${num} not found.`)] };
  const messages: ApiMessage[] = [];
  const statuses = ctx.data.catalog.orderStatuses;
  let statusId: number | undefined;
  if (patch.status_id !== undefined) {
    statusId = toInt(patch.status_id);
    if (statusId === undefined || !statuses.some((s) => s.id === statusId)) {
      return { ok: false, messages: [msg(objectPath, 'status_id', `Unknown order status ${String(patch.status_id)}.`)] };
    }
  } else if (typeof patch.status === 'string') {
    statusId = statuses.find((s) => Object.values(s.names).includes(patch.status as string))?.id;
    if (statusId === undefined) return { ok: false, messages: [msg(objectPath, 'status', `Unknown order status "${patch.status}".`)] };
  }
  const p = (o.patch ??= {});
  if (statusId !== undefined && statusId !== o.statusId) {
    o.statusId = statusId;
    if (sendEmails) ctx.data.emailsSent.push({ orderNumber: o.num, statusId, at: ctx.clock.now() });
  }
  if ('tracking_code' in patch) p.tracking_code = patch.tracking_code === null ? null : String(patch.tracking_code);
  if ('internal_note' in patch) p.internal_note = patch.internal_note === null ? null : String(patch.internal_note);
  if ('external_order_number' in patch)
    p.external_order_number = patch.external_order_number === null ? null : String(patch.external_order_number);
  if ('variable_symbol' in patch) {
    const vs = String(patch.variable_symbol);
    if (!/^\d{0,10}$/.test(vs))
      messages.push(msg(objectPath, 'variable_symbol', 'Variable symbol must have at most 10 digits.', 'warning'));
    else p.variable_symbol = vs;
  }
  for (const key of ['resolved_yn', 'statistics_yn'] as const) {
    if (key in patch) {
      const b = toBool(patch[key]);
      if (b === undefined) messages.push(msg(objectPath, key, `Invalid boolean for ${key}.`, 'warning'));
      else p[key] = b;
    }
  }
  if ('paid_date' in patch) {
    if (patch.paid_date === null || patch.paid_date === '') o.paid = null;
    else {
      const t = parseDate(patch.paid_date);
      if (t === null) messages.push(msg(objectPath, 'paid_date', 'Invalid date.', 'warning'));
      else o.paid = t;
    }
  }
  if (Array.isArray(patch.metas)) {
    const metas = new Map((p.metas ?? []).map((m) => [String(m.key), m]));
    for (const m of patch.metas)
      if (isObject(m) && typeof m.key === 'string')
        metas.set(m.key, { key: m.key, type: 'input', value: m.value ?? null, ...(m.values ? { values: m.values } : {}) });
    p.metas = [...metas.values()];
  }
  o.updated = ctx.clock.stamp();
  ctx.emit(orderEvent(ctx.data, o, 'update'));
  return { ok: true, messages };
}

/** A generated order (mutation engine), or one built from a POST /orders item. */
export function createOrder(ctx: MutationContext, input?: Json): OrderRec {
  const d = ctx.data;
  const num = d.next.order++;
  const at = ctx.clock.stamp();
  const o = makeOrder(d, num, at, ctx.rng);
  if (input) {
    o.lang = typeof input.language_id === 'string' ? input.language_id : o.lang;
    const sid = toInt(input.status_id);
    o.statusId = sid !== undefined && d.catalog.orderStatuses.some((s) => s.id === sid) ? sid : 1;
    o.paid = input.paid_date ? parseDate(input.paid_date) : null;
    const customer = isObject(input.customer) ? input.customer : {};
    const known = typeof customer.email === 'string' ? d.customerByEmail.get(customer.email) : undefined;
    o.cust = known && !known.deleted ? known.id : 0;
    o.custom = {
      customer: { ...customer, customer_id: o.cust || null },
      products: (Array.isArray(input.products) ? input.products : []).filter(isObject).map((p, k) => ({
        product_id: typeof p.code === 'string' ? (d.productByCode.get(p.code)?.id ?? null) : null,
        type: 'product',
        uuid: `${num}-${k}`,
        code: p.code ?? null,
        title: p.title ?? null,
        quantity: toInt(p.quantity) ?? 1,
        price_per_unit: Number(p.price_per_unit ?? 0),
        price: Number(p.price_per_unit ?? 0) * (toInt(p.quantity) ?? 1),
        vat: Number(p.vat ?? 21),
        weight: toInt(p.weight) ?? 0,
      })),
    };
    o.patch = {};
    if (typeof input.external_order_number === 'string') o.patch.external_order_number = input.external_order_number;
    if (typeof input.internal_note === 'string') o.patch.internal_note = input.internal_note;
    if (input.creation_time) o.created = parseDate(input.creation_time) ?? at;
  }
  d.orders.push(o);
  d.orderByNum.set(o.num, o);
  ctx.emit(orderEvent(d, o, 'create'));
  return o;
}

export function deleteOrder(ctx: MutationContext, num: string): boolean {
  const o = findOrder(ctx.data, num);
  if (!o) return false;
  o.deleted = ctx.clock.stamp();
  ctx.emit(orderEvent(ctx.data, o, 'delete'));
  return true;
}

// ---------- products ----------

export function findProduct(d: ShopData, code: string): ProductRec | undefined {
  const p = d.productByCode.get(code);
  return p && !p.deleted ? p : undefined;
}

/** `stock` then `stock_increment` ("+5" / "-1", max 10 digits, only when stock is tracked, i.e. not null). */
function applyStock(current: number | null, item: Json, objectPath: string, messages: ApiMessage[]): number | null {
  let stock = current;
  if ('stock' in item) {
    if (item.stock === null) stock = null;
    else {
      const s = Number(item.stock);
      if (Number.isFinite(s)) stock = s;
      else messages.push(msg(objectPath, 'stock', 'Invalid stock.', 'warning'));
    }
  }
  if (item.stock_increment !== undefined) {
    const raw = String(item.stock_increment).trim();
    if (!/^[+-]?\d{1,10}(\.\d+)?$/.test(raw)) messages.push(msg(objectPath, 'stock_increment', 'Invalid stock_increment.', 'warning'));
    else if (stock === null) messages.push(msg(objectPath, 'stock_increment', 'Stock is not filled; increment ignored.', 'warning'));
    else stock += Number(raw);
  }
  return stock;
}

const PRODUCT_SCALARS = [
  'code_supplier',
  'active_yn',
  'archived_yn',
  'replacement_product_code',
  'ean',
  'stock_position',
  'weight',
  'can_add_to_basket_yn',
  'adult_yn',
  'manufacturer',
  'metas',
];

export interface ProductWriteResult extends WriteResult {
  product?: ProductRec;
  variants: Array<{ variant_id: number | null; code: string; updated_yn: boolean; messages: ApiMessage[] }>;
}

export function updateProduct(ctx: MutationContext, item: Json, objectPath = 'products[0]'): ProductWriteResult {
  const code = typeof item.code === 'string' || typeof item.code === 'number' ? String(item.code) : '';
  const p = findProduct(ctx.data, code);
  if (!p) return { ok: false, messages: [msg(objectPath, 'code', `Product ${code} not found.`)], variants: [] };
  const messages: ApiMessage[] = [];
  p.stock = applyStock(p.stock, item, objectPath, messages);
  for (const key of PRODUCT_SCALARS) {
    if (key in item) (p.patch ??= {})[key] = key.endsWith('_yn') ? (toBool(item[key]) ?? item[key]) : item[key];
  }
  if (Array.isArray(item.descriptions)) {
    for (const desc of item.descriptions) {
      if (!isObject(desc) || typeof desc.language !== 'string') {
        messages.push(msg(`${objectPath}.descriptions`, 'language', 'Language is required.'));
        continue;
      }
      const { language, active_yn: _active, ...rest } = desc;
      void _active;
      p.descPatch ??= {};
      p.descPatch[language] = { ...(p.descPatch[language] ?? {}), ...rest };
    }
  }
  const variants: ProductWriteResult['variants'] = [];
  if (Array.isArray(item.variants)) {
    item.variants.filter(isObject).forEach((v, k) => {
      const vr = updateVariantOf(p, v, `${objectPath}.variants[${k}]`);
      variants.push(vr);
    });
  }
  p.updated = ctx.clock.stamp();
  ctx.emit(productEvent(p, 'update'));
  return { ok: true, messages, product: p, variants };
}

function updateVariantOf(p: ProductRec, v: Json, objectPath: string): ProductWriteResult['variants'][number] {
  const code = String(v.code ?? '');
  const variant = p.variants.find((x) => x.code === code && !x.deleted);
  if (!variant) return { variant_id: null, code, updated_yn: false, messages: [msg(objectPath, 'code', `Variant ${code} not found.`)] };
  const messages: ApiMessage[] = [];
  variant.stock = applyStock(variant.stock, v, objectPath, messages);
  return { variant_id: variant.id, code, updated_yn: true, messages };
}

/** Top-level `variants[]` of PUT /products: updates existing variants without naming their product. */
export function updateVariant(ctx: MutationContext, v: Json, objectPath: string): ProductWriteResult['variants'][number] {
  const hit = ctx.data.variantByCode.get(String(v.code ?? ''));
  if (!hit || hit.product.deleted || hit.variant.deleted) {
    return { variant_id: null, code: String(v.code ?? ''), updated_yn: false, messages: [msg(objectPath, 'code', 'Variant not found.')] };
  }
  const r = updateVariantOf(hit.product, v, objectPath);
  hit.product.updated = ctx.clock.stamp();
  ctx.emit(productEvent(hit.product, 'update'));
  return r;
}

export function createProduct(ctx: MutationContext, input?: Json): ProductRec {
  const d = ctx.data;
  const id = d.next.product++;
  const p = makeProduct(id, ctx.clock.stamp(), ctx.rng);
  if (input) {
    if (typeof input.code === 'string') p.code = input.code;
    p.variants = [];
    p.stock = 'stock' in input ? (input.stock === null ? null : Number(input.stock)) : null;
    updateProductFields(p, input);
  }
  d.products.push(p);
  indexProduct(d, p);
  ctx.emit(productEvent(p, 'create'));
  return p;
}

function updateProductFields(p: ProductRec, input: Json): void {
  for (const key of PRODUCT_SCALARS) if (key in input) (p.patch ??= {})[key] = input[key];
  for (const desc of (Array.isArray(input.descriptions) ? input.descriptions : []).filter(isObject)) {
    if (typeof desc.language !== 'string') continue;
    const { language, ...rest } = desc;
    (p.descPatch ??= {})[language] = rest;
  }
}

export function deleteProduct(ctx: MutationContext, code: string): boolean {
  const p = findProduct(ctx.data, code);
  if (!p) return false;
  p.deleted = ctx.clock.stamp();
  ctx.data.productByCode.delete(p.code);
  for (const v of p.variants) ctx.data.variantByCode.delete(v.code);
  ctx.emit(productEvent(p, 'delete'));
  return true;
}

/** DELETE /products/variants: the parent product changes (Products.update). */
export function deleteVariant(ctx: MutationContext, code: string): boolean {
  const hit = ctx.data.variantByCode.get(code);
  if (!hit || hit.variant.deleted || hit.product.deleted) return false;
  hit.variant.deleted = ctx.clock.stamp();
  hit.product.updated = hit.variant.deleted;
  ctx.data.variantByCode.delete(code);
  ctx.emit(productEvent(hit.product, 'update'));
  return true;
}

// ---------- customers ----------

export function findCustomer(d: ShopData, email: string): CustomerRec | undefined {
  const c = d.customerByEmail.get(email.toLowerCase());
  return c && !c.deleted ? c : undefined;
}

const NEWSLETTER_VALUES = ['notset', 'no', 'yes', 'excluded'];

function applyCustomer(c: CustomerRec, item: Json, objectPath: string, messages: ApiMessage[]): void {
  const patch = (c.patch ??= {});
  for (const key of [
    'type',
    'degree',
    'firstname',
    'surname',
    'nickname',
    'pricelist',
    'base_turnover',
    'note',
    'company',
    'communication',
    'addresses',
    'metas',
  ]) {
    if (key in item) patch[key] = item[key];
  }
  if (typeof item.language === 'string') c.lang = item.language;
  if (typeof item.code === 'string') c.code = item.code;
  if ('newsletter_accept' in item) {
    if (NEWSLETTER_VALUES.includes(String(item.newsletter_accept))) c.newsletter = item.newsletter_accept as CustomerRec['newsletter'];
    else messages.push(msg(objectPath, 'newsletter_accept', 'Invalid value.', 'warning'));
  }
  if (isObject(item.login)) {
    const a = toBool(item.login.active_yn);
    const b = toBool(item.login.blocked_yn);
    if (a !== undefined) c.active = a;
    if (b !== undefined) c.blocked = b;
  }
  // Written as an array of {id}; read back as an object {id: name}.
  if (Array.isArray(item.groups)) {
    const groups: Record<string, string> = {};
    for (const g of item.groups)
      if (isObject(g) && g.id !== undefined) groups[String(g.id)] = GROUP_NAMES[String(g.id)] ?? `Skupina ${String(g.id)}`;
    c.groups = groups;
  }
}

export const loginEmail = (item: Json): string | undefined =>
  isObject(item.login) && typeof item.login.email === 'string' ? item.login.email.toLowerCase() : undefined;

export function updateCustomer(ctx: MutationContext, item: Json, objectPath = 'customers[0]'): WriteResult & { customer?: CustomerRec } {
  const email = loginEmail(item);
  if (!email) {
    // Since 1.1.2025 the top-level `email` is gone from PUT; pairing is by login.email only.
    return { ok: false, messages: [msg(`${objectPath}.login`, 'email', 'login.email is required for pairing.')] };
  }
  const c = findCustomer(ctx.data, email);
  if (!c) return { ok: false, messages: [msg(`${objectPath}.login`, 'email', `Customer ${email} not found.`)] };
  const messages: ApiMessage[] = [];
  applyCustomer(c, item, objectPath, messages);
  c.updated = ctx.clock.stamp();
  ctx.emit(customerEvent(c, 'update'));
  return { ok: true, messages, customer: c };
}

export function createCustomer(ctx: MutationContext, item?: Json, objectPath = 'customers[0]'): WriteResult & { customer?: CustomerRec } {
  const d = ctx.data;
  if (item) {
    const email = loginEmail(item);
    const missing = !email ? 'login.email' : typeof item.type !== 'string' ? 'type' : typeof item.language !== 'string' ? 'language' : null;
    if (missing) return { ok: false, messages: [msg(objectPath, missing, `${missing} is required.`)] };
    if (findCustomer(d, email!))
      return { ok: false, messages: [msg(`${objectPath}.login`, 'email', 'Customer with this e-mail already exists.')] };
  }
  const id = d.next.customer++;
  const c = makeCustomer(d.seed, id, d.languages[0] ?? 'cs', ctx.clock.stamp(), ctx.rng);
  const messages: ApiMessage[] = [];
  if (item) {
    c.email = loginEmail(item)!;
    c.newsletter = 'notset';
    c.groups = {};
    applyCustomer(c, item, objectPath, messages);
  }
  d.customers.push(c);
  d.customerById.set(c.id, c);
  d.customerByEmail.set(c.email, c);
  ctx.emit(customerEvent(c, 'create'));
  return { ok: true, messages, customer: c };
}

export function deleteCustomer(ctx: MutationContext, c: CustomerRec): void {
  c.deleted = ctx.clock.stamp();
  ctx.data.customerByEmail.delete(c.email);
  ctx.emit(customerEvent(c, 'delete'));
}

// ---------- categories ----------

export function updateCategory(ctx: MutationContext, c: CategoryRec, item: Json): void {
  if (toInt(item.position) !== undefined) c.position = toInt(item.position)!;
  if (Array.isArray(item.descriptions)) {
    for (const desc of item.descriptions)
      if (isObject(desc) && typeof desc.language === 'string' && typeof desc.name === 'string') c.names[desc.language] = desc.name;
  }
  if ('active_yn' in item) (c.patch ??= {}).active_yn = toBool(item.active_yn);
  c.updated = ctx.clock.stamp();
  ctx.emit(categoryEvent(c, 'update'));
}

export function createCategory(ctx: MutationContext): CategoryRec {
  const d = ctx.data;
  const id = d.next.category++;
  const at = ctx.clock.stamp();
  const names: Record<string, string> = {};
  for (const lang of d.languages) names[lang] = `${nameIn({ cs: 'Kategorie', sk: 'Kategória', en: 'Category' }, lang)} ${id}`;
  const c: CategoryRec = {
    id,
    code: `K${String(id - 100).padStart(5, '0')}`,
    parentId: null,
    position: d.categories.length + 1,
    names,
    created: at,
    updated: at,
    deleted: 0,
  };
  d.categories.push(c);
  ctx.emit(categoryEvent(c, 'create'));
  return c;
}

export function deleteCategory(ctx: MutationContext, c: CategoryRec): void {
  // Deleting a category deletes its descendants too (documented for DELETE /categories).
  const at = ctx.clock.stamp();
  const doomed = [c];
  for (let k = 0; k < doomed.length; k++) {
    const parent = doomed[k]!;
    for (const child of ctx.data.categories)
      if (child.parentId === parent.id && !child.deleted && !doomed.includes(child)) doomed.push(child);
  }
  for (const x of doomed) {
    x.deleted = at;
    ctx.emit(categoryEvent(x, 'delete'));
  }
}

// ---------- random mutations ----------

function pickAlive<T extends { deleted: number }>(rng: Rng, items: T[], taken: Set<T>): T | undefined {
  for (let tries = 0; tries < 50; tries++) {
    const x = items[rng.int(0, items.length - 1)];
    if (x && !x.deleted && !taken.has(x)) {
      taken.add(x);
      return x;
    }
  }
  return items.find((x) => !x.deleted && !taken.has(x) && (taken.add(x), true));
}

const emptyResult = (): MutationResult => ({
  orders: { created: [], updated: [], deleted: [] },
  products: { created: [], updated: [], deleted: [] },
  customers: { created: [], updated: [], deleted: [] },
  categories: { created: [], updated: [], deleted: [] },
});

/** Random but seeded changes; returns the ids touched (order_number, product code, customer email, category code). */
export function mutate(ctx: MutationContext, spec: MutationSpec): MutationResult {
  const out = emptyResult();
  const d = ctx.data;
  const r = ctx.rng;
  const plan = (res: MutableResource, kind: 'update' | 'create' | 'delete'): number => spec[res]?.[kind] ?? 0;

  const orderTaken = new Set<OrderRec>();
  for (let k = 0; k < plan('orders', 'update'); k++) {
    const o = pickAlive(r, d.orders, orderTaken);
    if (!o) break;
    const change: Json = r.chance(0.5)
      ? { status_id: r.pick(d.catalog.orderStatuses.filter((s) => s.id !== o.statusId)).id }
      : r.chance(0.5)
        ? { tracking_code: `Z${r.int(100_000_000, 999_999_999)}` }
        : { internal_note: `note ${r.int(1, 9999)}` };
    updateOrder(ctx, o.num, change, 'orders[0]', false);
    out.orders.updated.push(o.num);
  }
  for (let k = 0; k < plan('orders', 'create'); k++) out.orders.created.push(createOrder(ctx).num);
  for (let k = 0; k < plan('orders', 'delete'); k++) {
    const o = pickAlive(r, d.orders, orderTaken);
    if (!o) break;
    deleteOrder(ctx, o.num);
    out.orders.deleted.push(o.num);
  }

  const productTaken = new Set<ProductRec>();
  for (let k = 0; k < plan('products', 'update'); k++) {
    const p = pickAlive(r, d.products, productTaken);
    if (!p) break;
    const item: Json = { code: p.code, stock: r.int(0, 100) };
    if (p.variants.length > 0) item.variants = [{ code: r.pick(p.variants).code, stock: r.int(0, 30) }];
    updateProduct(ctx, item);
    out.products.updated.push(p.code);
  }
  for (let k = 0; k < plan('products', 'create'); k++) out.products.created.push(createProduct(ctx).code);
  for (let k = 0; k < plan('products', 'delete'); k++) {
    const p = pickAlive(r, d.products, productTaken);
    if (!p) break;
    deleteProduct(ctx, p.code);
    out.products.deleted.push(p.code);
  }

  const customerTaken = new Set<CustomerRec>();
  for (let k = 0; k < plan('customers', 'update'); k++) {
    const c = pickAlive(r, d.customers, customerTaken);
    if (!c) break;
    updateCustomer(ctx, { login: { email: c.email }, newsletter_accept: r.pick(NEWSLETTER_VALUES.filter((x) => x !== c.newsletter)) });
    out.customers.updated.push(c.email);
  }
  for (let k = 0; k < plan('customers', 'create'); k++) {
    const res = createCustomer(ctx);
    if (res.customer) out.customers.created.push(res.customer.email);
  }
  for (let k = 0; k < plan('customers', 'delete'); k++) {
    const c = pickAlive(r, d.customers, customerTaken);
    if (!c) break;
    deleteCustomer(ctx, c);
    out.customers.deleted.push(c.email);
  }

  const categoryTaken = new Set<CategoryRec>();
  for (let k = 0; k < plan('categories', 'update'); k++) {
    const c = pickAlive(r, d.categories, categoryTaken);
    if (!c) break;
    updateCategory(ctx, c, { position: r.int(1, 100) });
    out.categories.updated.push(c.code);
  }
  for (let k = 0; k < plan('categories', 'create'); k++) out.categories.created.push(createCategory(ctx).code);
  for (let k = 0; k < plan('categories', 'delete'); k++) {
    const c = pickAlive(r, d.categories, categoryTaken);
    if (!c) break;
    deleteCategory(ctx, c);
    out.categories.deleted.push(c.code);
  }
  return out;
}
