// /products: complete and simple lists (50/page) with the documented filters, one product by code (both the
// 2024 `/products/simple/{code}` and 2025 `/products/{code}/simple` forms), PUT (stock, stock_increment,
// descriptions, variants), POST, DELETE products and variants.
import { Router, type Request, type Response } from 'express';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { type Json, idList, isObject, msg, toBool } from '../coerce.js';
import * as m from '../data/mutate.js';
import type { ProductRec, ShopData } from '../data/model.js';
import { renderProduct } from '../data/render.js';
import { pageParam, paginate, q, sendError, shopOf } from '../http.js';
import { bodyList, notAllowed, parseFrom, sec } from './common.js';

const PAGE = RESOURCE_INFO.products.pageSize ?? 50;

function filterProducts(d: ShopData, req: Request): ProductRec[] | string {
  const ids = idList(req.query.product_ids ?? req.query.product_id)?.map(Number);
  const codes = idList(req.query.codes ?? req.query.code);
  const variantCodes = idList(req.query.variant_codes);
  const updatedFrom = parseFrom(q(req, 'last_update_time_from'));
  if (q(req, 'last_update_time_from') !== undefined && updatedFrom === null) return 'Invalid date in last_update_time_from.';
  const active = toBool(q(req, 'active_yn'));
  const archived = toBool(q(req, 'archived_yn'));
  const inStock = toBool(q(req, 'in_stock_yn'));
  let base: ProductRec[] = d.products;
  if (ids) base = ids.map((id) => d.productById.get(id)).filter((p): p is ProductRec => !!p);
  if (codes) base = base.filter((p) => codes.includes(p.code));
  if (variantCodes) {
    const parents = new Set(variantCodes.map((c) => d.variantByCode.get(c)?.product).filter((p): p is ProductRec => !!p));
    base = base.filter((p) => parents.has(p));
  }
  return base.filter((p) => {
    if (p.deleted) return false;
    if (updatedFrom !== null && sec(p.updated) < updatedFrom) return false;
    if (active !== undefined && (p.patch?.active_yn ?? true) !== active) return false;
    if (archived !== undefined && (p.patch?.archived_yn ?? false) !== archived) return false;
    if (inStock !== undefined && (p.stock === null || p.stock > 0) !== inStock) return false;
    return true;
  });
}

export function productRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const list = (simple: boolean) => (req: Request, res: Response) => {
    const d = shopOf(res).store;
    const found = filterProducts(d, req);
    if (typeof found === 'string') return sendError(res, 400, found);
    const language = q(req, 'language');
    if (language !== undefined && !d.languages.includes(language)) return sendError(res, 400, `Unknown language ${language}.`);
    const page = paginate(ctx, found, pageParam(req), PAGE);
    res.json({ ...page.envelope, products: page.items.map((p) => renderProduct(d, p, { simple, language })) });
  };
  const one = (simple: boolean) => (req: Request, res: Response) => {
    const d = shopOf(res).store;
    const p = m.findProduct(d, String(req.params.code));
    if (!p) return sendError(res, 404, 'Product not found.');
    res.json({
      current_page: 1,
      current_page_items: 1,
      number_of_pages: 1,
      number_of_items: 1,
      products: [renderProduct(d, p, { simple })],
    });
  };

  r.route('/products')
    .get(list(false))
    .put((req, res) => {
      const shop = shopOf(res);
      const products = bodyList(req, 'products') ?? [];
      const topVariants = bodyList(req, 'variants') ?? [];
      if (products.length === 0 && topVariants.length === 0) return sendError(res, 400, 'Missing "products" or "variants" array.');
      const out = products.map((item, k) => {
        const path = `products[${k}]`;
        if (!isObject(item) || item.code === undefined)
          return {
            product_id: null,
            code: null,
            product_url: null,
            updated_yn: false,
            messages: [msg(path, 'code', 'code is required.')],
            variants: [],
          };
        const res1 = m.updateProduct(shop.mutationContext, item, path);
        return {
          product_id: res1.product?.id ?? null,
          code: String(item.code),
          product_url: res1.product ? `${shop.apiUrl}/products/${res1.product.code}` : null,
          updated_yn: res1.ok,
          messages: res1.messages,
          variants: res1.variants,
        };
      });
      const body: Json = { products: out };
      // Inferred: results of top-level variant updates come back in a `variants` list.
      if (topVariants.length > 0)
        body.variants = topVariants.map((v, k) =>
          isObject(v)
            ? m.updateVariant(shop.mutationContext, v, `variants[${k}]`)
            : { variant_id: null, code: null, updated_yn: false, messages: [msg(`variants[${k}]`, null, 'Invalid item.')] },
        );
      res.json(body);
    })
    .post((req, res) => {
      const shop = shopOf(res);
      const products = bodyList(req, 'products');
      if (!products) return sendError(res, 400, 'Missing "products" array.');
      const out = products.map((item, k) => {
        const path = `products[${k}]`;
        if (!isObject(item) || !Array.isArray(item.descriptions) || item.descriptions.length === 0)
          return { product_id: null, code: null, inserted_yn: false, messages: [msg(path, 'descriptions', 'descriptions are required.')] };
        if (typeof item.code === 'string' && m.findProduct(shop.store, item.code))
          return {
            product_id: null,
            code: item.code,
            inserted_yn: false,
            messages: [msg(path, 'code', 'Product with this code already exists.')],
          };
        const p = m.createProduct(shop.mutationContext, item);
        return {
          product_id: p.id,
          code: p.code,
          product_url: `${shop.apiUrl}/products/${p.code}`,
          inserted_yn: true,
          messages: [],
          variants: [],
        };
      });
      res.json({ products: out });
    })
    .delete((req, res) => {
      const codes = idList(req.query.codes ?? req.query.code);
      if (!codes || codes.length === 0) return sendError(res, 400, 'code or codes is required.');
      res.json({ products: deleteMany(shopOf(res).mutationContext, codes) });
    })
    .all(notAllowed);

  r.route('/products/simple').get(list(true)).all(notAllowed);
  r.route('/products/variants')
    .delete((req, res) => {
      const shop = shopOf(res);
      const codes = idList(req.query.codes ?? req.query.code) ?? [];
      if (codes.length === 0) return sendError(res, 400, 'codes is required.');
      const out = codes.map((code, k) => {
        const ok = m.deleteVariant(shop.mutationContext, code);
        return { code, deleted_yn: ok, messages: ok ? [] : [msg(`codes[${k}]`, 'code', 'Variant not found.')] };
      });
      res.json({ variants: out });
    })
    .all(notAllowed);
  r.route('/products/simple/:code').get(one(true)).all(notAllowed);
  r.route('/products/:code/simple').get(one(true)).all(notAllowed);
  r.route('/products/:code')
    .get(one(false))
    .delete((req, res) => {
      res.json({ products: deleteMany(shopOf(res).mutationContext, [String(req.params.code)]) });
    })
    .all(notAllowed);
  return r;
}

function deleteMany(ctx: m.MutationContext, codes: string[]): Json[] {
  return codes.map((code, k) => {
    const ok = m.deleteProduct(ctx, code);
    return { code, deleted_yn: ok, messages: ok ? [] : [msg(`codes[${k}]`, 'code', 'Product not found.')] };
  });
}
