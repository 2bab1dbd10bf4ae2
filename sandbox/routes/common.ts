// Helpers shared by the route files.
import type { Request, Response } from 'express';
import { sendError } from '../http.js';
import { parseDate } from '../time.js';

export const notAllowed = (_req: Request, res: Response): void => sendError(res, 405, 'Method not allowed for this endpoint.');

/** Times in responses have whole seconds; filters compare at that granularity. */
export const sec = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** `creation_time_to` is inclusive: a bare date means the whole day. */
export function parseTo(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = parseDate(v);
  if (t === null) return null;
  return /^\d{4}-\d{1,2}-\d{1,2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
}

export function parseFrom(v: string | undefined): number | null {
  return v === undefined ? null : parseDate(v);
}

export const bodyList = (req: Request, key: string): unknown[] | undefined => {
  const v = (req.body as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(v) ? v : undefined;
};
