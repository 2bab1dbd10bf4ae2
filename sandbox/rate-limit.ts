// Request-count limits (reference §2.6): tariff hourly + daily pools in fixed windows, consumed hourly-first;
// headers X-Rate-Limit-*; Retry-After as an HTTP date only on 429. Verified add-ons skip the pools but count toward
// a 60,000/day monitor that raises an alert flag (not a block).
import type { SandboxContext } from './context.js';
import type { ShopState } from './shop.js';
import { isoDate, pragueDayStart, pragueHourStart } from './time.js';
import type { Tariff } from './types.js';

export const TARIFF_LIMITS: Record<Tariff, { hour: number; day: number }> = {
  bronze: { hour: 10, day: 100 },
  silver: { hour: 15, day: 300 },
  gold: { hour: 50, day: 600 },
  platinum: { hour: 100, day: 1500 },
  exclusive: { hour: 100, day: 1500 },
};

export interface CountDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** When rejected: when the next request can pass. */
  retryAt?: number;
}

export const httpDate = (ms: number): string => new Date(ms).toUTCString();

export function countRequest(ctx: SandboxContext, shop: ShopState): CountDecision {
  const now = ctx.clock.now();
  const u = shop.usage;
  const day = isoDate(now);
  u.perDay[day] = (u.perDay[day] ?? 0) + 1;
  u.total++;
  const hourStart = pragueHourStart(now);
  const dayStart = pragueDayStart(now);
  if (u.dayWindowStart !== dayStart) {
    u.dayWindowStart = dayStart;
    u.dayUsed = 0;
    u.monitorToday = 0;
  }
  if (u.hourWindowStart !== hourStart) {
    u.hourWindowStart = hourStart;
    u.hourUsed = 0;
  }

  if (ctx.options.verifiedAddon) {
    u.monitorToday++;
    if (u.monitorToday > ctx.options.monitorDailyLimit && !u.monitorAlertDays.includes(day)) {
      u.monitorAlert = true;
      u.monitorAlertDays.push(day);
      ctx.logger.warn({ shop: shop.token, day, count: u.monitorToday }, 'verified add-on exceeded the daily monitor threshold');
    }
    return { allowed: true, headers: {} };
  }

  const limits = TARIFF_LIMITS[shop.tariff];
  let allowed = true;
  if (u.hourUsed < limits.hour) u.hourUsed++;
  else if (u.dayUsed < limits.day) u.dayUsed++;
  else allowed = false;

  const hourRemaining = limits.hour - u.hourUsed;
  const dayRemaining = limits.day - u.dayUsed;
  // Inferred: what is still spendable today = this hour's rest + the daily pool + full hourly allowances to come.
  const hoursLeft = Math.max(0, Math.round((dayStart + 86_400_000 - (hourStart + 3_600_000)) / 3_600_000));
  const headers: Record<string, string> = {
    'X-Rate-Limit-Hour': String(limits.hour),
    'X-Rate-Limit-Day': String(limits.day),
    'X-Rate-Limit-Hour-Remaining': String(hourRemaining),
    'X-Rate-Limit-Day-Remaining': String(dayRemaining),
    'X-Rate-Limit-Total-Remaining': String(hourRemaining + dayRemaining + hoursLeft * limits.hour),
  };
  if (!allowed) return { allowed, headers, retryAt: hourStart + 3_600_000 };
  return { allowed, headers };
}
