// /conversion-codes: bound to the API user (deleted on uninstall); unique per (position, language_id).
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { type Json, isObject, msg } from '../coerce.js';
import { q, sendError, shopOf } from '../http.js';
import { bodyList, notAllowed } from './common.js';

export const POSITIONS = ['head', 'body_top', 'body_bottom', 'order_head', 'order_body_top', 'order_body_bottom'];

export function conversionCodeRoutes(_ctx: SandboxContext): Router {
  const r = Router();
  const write =
    (mode: 'POST' | 'PUT') => (req: Parameters<Parameters<Router['post']>[1]>[0], res: Parameters<Parameters<Router['post']>[1]>[1]) => {
      const shop = shopOf(res);
      const owner = String(res.locals.apiUser);
      const items = bodyList(req, 'conversion_codes');
      if (!items) return sendError(res, 400, 'Missing "conversion_codes" array.');
      const out = items.map((item, k) => {
        const path = `conversion_codes[${k}]`;
        if (!isObject(item)) return { position: null, language_id: null, messages: [msg(path, null, 'Invalid item.')] };
        const { position, language_id: lang, code } = item;
        const base: Json = { position: position ?? null, language_id: lang ?? null };
        if (typeof position !== 'string' || !POSITIONS.includes(position))
          return { ...base, messages: [msg(path, 'position', 'Invalid position.')] };
        if (typeof lang !== 'string' || !shop.store.languages.includes(lang))
          return { ...base, messages: [msg(path, 'language_id', 'Invalid language.')] };
        if (typeof code !== 'string') return { ...base, messages: [msg(path, 'code', 'code is required.')] };
        const existing = shop.conversionCodeList.find((c) => c.owner === owner && c.position === position && c.language_id === lang);
        if (existing) {
          if (mode === 'POST')
            return {
              ...base,
              messages: [msg(path, 'position', 'A conversion code already exists for this position and language; use PUT.')],
            };
          existing.code = code;
        } else shop.conversionCodeList.push({ position, language_id: lang, code, owner });
        return { ...base, messages: [] };
      });
      res.json({ conversion_codes: out });
    };
  const list = (position: string | undefined, language: string | undefined, res: Parameters<Parameters<Router['get']>[1]>[1]) =>
    shopOf(res).conversionCodeList.filter(
      (c) =>
        c.owner === String(res.locals.apiUser) &&
        (position === undefined || c.position === position) &&
        (language === undefined || c.language_id === language),
    );
  const del = (
    position: string | undefined,
    req: Parameters<Parameters<Router['get']>[1]>[0],
    res: Parameters<Parameters<Router['get']>[1]>[1],
  ) => {
    const shop = shopOf(res);
    const doomed = list(position, q(req, 'language_id'), res);
    shop.conversionCodeList = shop.conversionCodeList.filter((c) => !doomed.includes(c));
    res.json({ conversion_codes: doomed.map((c) => ({ position: c.position, language_id: c.language_id, messages: [] })) });
  };

  r.route('/conversion-codes')
    .get((req, res) => {
      res.json({ conversion_codes: list(undefined, q(req, 'language_id'), res).map(({ owner: _o, ...c }) => (void _o, c)) });
    })
    .post(write('POST'))
    .put(write('PUT'))
    .delete((req, res) => del(undefined, req, res))
    .all(notAllowed);
  r.route('/conversion-codes/:position')
    .get((req, res) => {
      res.json({
        conversion_codes: list(String(req.params.position), q(req, 'language_id'), res).map(({ owner: _o, ...c }) => (void _o, c)),
      });
    })
    .delete((req, res) => del(String(req.params.position), req, res))
    .all(notAllowed);
  return r;
}
