// Upgates renders times as ISO 8601 in the shop's zone with an offset and whole seconds, e.g.
// "2024-02-29T14:24:49+01:00" (observed in real responses). Shops in the sandbox live in Europe/Prague; the EU DST
// rule is computed by hand because Intl is far too slow for rendering 100 orders per page.

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay());
}

/** Minutes east of UTC for Europe/Prague at the instant `ms`. */
export function pragueOffsetMinutes(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const summerStart = lastSundayUtc(year, 2) + 3_600_000; // last Sunday of March, 01:00 UTC
  const summerEnd = lastSundayUtc(year, 9) + 3_600_000; // last Sunday of October, 01:00 UTC
  return ms >= summerStart && ms < summerEnd ? 120 : 60;
}

/** `2024-02-29T14:24:49+01:00` */
export function isoTime(ms: number): string {
  const offset = pragueOffsetMinutes(ms);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000);
  return `${local.toISOString().slice(0, 19)}+0${offset / 60}:00`;
}

/** `2024-02-29` in Prague. */
export function isoDate(ms: number): string {
  return isoTime(ms).slice(0, 10);
}

/** PHP's `DateTime` serialised by json_encode — the quirk seen in `agreements[].valid_to`. */
export function phpDateTime(ms: number): { date: string; timezone_type: number; timezone: string } {
  const iso = isoTime(ms);
  return { date: `${iso.slice(0, 10)} ${iso.slice(11, 19)}.000000`, timezone_type: 3, timezone: 'Europe/Prague' };
}

/**
 * Parses a date query/body value the lenient way Upgates accepts: full ISO with offset, ISO with a `+` that the
 * client forgot to URL-encode (arrives as a space), or a bare date (`2025-1-1`, taken as Prague midnight).
 * Returns epoch ms, or null when unparseable.
 */
export function parseDate(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let s = value.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const bare = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (bare) {
    const utcMidnight = Date.UTC(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3]));
    return utcMidnight - pragueOffsetMinutes(utcMidnight) * 60_000;
  }
  // A local date-time without offset is Prague time too.
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(s)) {
    s = s.replace(' ', 'T');
    const asUtc = Date.parse(`${s}Z`);
    return Number.isNaN(asUtc) ? null : asUtc - pragueOffsetMinutes(asUtc) * 60_000;
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

/** Start of the current Prague hour / day, for the fixed-window rate limits. */
export function pragueHourStart(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000; // whole-hour offsets: hour windows align with UTC hours
}
export function pragueDayStart(ms: number): number {
  const offset = pragueOffsetMinutes(ms) * 60_000;
  return Math.floor((ms + offset) / 86_400_000) * 86_400_000 - offset;
}
