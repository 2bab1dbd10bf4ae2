// Response helpers shared by the routes: error bodies, pagination envelope, per-request shop lookup.
import type { Request, Response } from 'express';
import type { SandboxContext } from './context.js';
import { msg } from './coerce.js';
import type { ShopState } from './shop.js';

/** The REST error body is undocumented; we answer with the documented ErrorMessage shape. */
export function sendError(res: Response, status: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).json({ messages: [msg(null, null, message)] });
}

export const shopOf = (res: Response): ShopState => res.locals.shop as ShopState;

export interface Page<T> {
  envelope: { current_page: number; current_page_items: number; number_of_pages: number; number_of_items: number };
  items: T[];
}

export function pageParam(req: Request): number {
  const n = Number(req.query.page ?? 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export function paginate<T>(ctx: SandboxContext, all: T[], page: number, size: number): Page<T> {
  const total = all.length;
  const pages = total === 0 ? ctx.options.emptyNumberOfPages : Math.ceil(total / size);
  const items = all.slice((page - 1) * size, page * size);
  return { envelope: { current_page: page, current_page_items: items.length, number_of_pages: pages, number_of_items: total }, items };
}

export const q = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.map(String).join(';') : String(v);
};
