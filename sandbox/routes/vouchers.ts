// /vouchers: POST creates `count` coupons with generated codes (callers cannot choose codes), GET lists
// (100/page), DELETE by code(s).
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { type Json, idList, msg, toBool, toInt, toNum } from '../coerce.js';
import { pageParam, paginate, q, sendError, shopOf } from '../http.js';
import { isoTime } from '../time.js';
import type { VoucherRecord } from '../types.js';
import { notAllowed } from './common.js';

const TYPES = ['price', 'percentage', 'payment_shipment'];
const view = ({ owner: _owner, ...v }: VoucherRecord): Json => (void _owner, v);

export function voucherRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.route('/vouchers')
    .get((req, res) => {
      const codes = idList(req.query.voucher_codes ?? req.query.voucher_code);
      const active = toBool(q(req, 'active_yn'));
      const currency = q(req, 'currency_id');
      const found = shopOf(res).voucherList.filter(
        (v) =>
          (!codes || codes.includes(v.voucher_code)) &&
          (active === undefined || v.active_yn === active) &&
          (currency === undefined || v.currency_id === currency),
      );
      const page = paginate(ctx, found, pageParam(req), RESOURCE_INFO.vouchers.pageSize ?? 100);
      res.json({ ...page.envelope, vouchers: page.items.map(view) });
    })
    .post((req, res) => {
      const shop = shopOf(res);
      const b = req.body as Json;
      const count = toInt(b.count ?? 1);
      const amount = toNum(b.amount);
      if (typeof b.type !== 'string' || !TYPES.includes(b.type))
        return sendError(res, 400, 'type must be price, percentage or payment_shipment.');
      if (typeof b.currency_id !== 'string' || amount === undefined) return sendError(res, 400, 'currency_id and amount are required.');
      if (count === undefined || count < 1 || count > 1000) return sendError(res, 400, 'count must be 1..1000.');
      const codes: string[] = [];
      for (let k = 0; k < count; k++) {
        const code = randomBytes(5).toString('hex').toUpperCase();
        codes.push(code);
        shop.voucherList.push({
          voucher_code: code,
          active_yn: toBool(b.active_yn) ?? true,
          global_yn: toBool(b.global_yn) ?? false,
          for_products_in_action_yn: toBool(b.for_products_in_action_yn) ?? false,
          date_from: typeof b.date_from === 'string' ? b.date_from : null,
          date_to: typeof b.date_to === 'string' ? b.date_to : null,
          type: b.type,
          currency_id: b.currency_id,
          amount,
          used_from: toNum(b.used_from) ?? 0,
          note: typeof b.note === 'string' ? b.note : null,
          creation_time: isoTime(ctx.clock.now()),
          owner: String(res.locals.apiUser),
        });
      }
      res.json({ vouchers: codes });
    })
    .delete((req, res) => {
      const codes = idList(req.query.voucher_codes ?? req.query.voucher_code);
      if (!codes || codes.length === 0) return sendError(res, 400, 'voucher_code or voucher_codes is required.');
      res.json({ vouchers: deleteVouchers(shopOf(res), codes) });
    })
    .all(notAllowed);
  r.route('/vouchers/:code')
    .get((req, res) => {
      const v = shopOf(res).voucherList.find((x) => x.voucher_code === req.params.code);
      if (!v) return sendError(res, 404, 'Voucher not found.');
      res.json({ current_page: 1, current_page_items: 1, number_of_pages: 1, number_of_items: 1, vouchers: [view(v)] });
    })
    .delete((req, res) => {
      res.json({ vouchers: deleteVouchers(shopOf(res), [String(req.params.code)]) });
    })
    .all(notAllowed);
  return r;
}

function deleteVouchers(shop: ReturnType<typeof shopOf>, codes: string[]): Json[] {
  return codes.map((code, k) => {
    const before = shop.voucherList.length;
    shop.voucherList = shop.voucherList.filter((v) => v.voucher_code !== code);
    const ok = shop.voucherList.length < before;
    return { code, deleted_yn: ok, messages: ok ? [] : [msg(`voucher_codes[${k}]`, 'voucher_code', 'Voucher not found.')] };
  });
}
