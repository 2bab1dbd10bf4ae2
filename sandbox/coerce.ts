// Request leniency observed in official examples: booleans and numbers often arrive as strings ("0", "430").

export type Json = Record<string, unknown>;

export interface ApiMessage {
  object: string | null;
  property: string | null;
  message: string;
  level: 'info' | 'warning' | 'error' | 'fatal_error';
}

export const msg = (object: string | null, property: string | null, message: string, level: ApiMessage['level'] = 'error'): ApiMessage => ({
  object,
  property,
  message,
  level,
});

export function toBool(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false' || v === '') return false;
  return undefined;
}

export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function toNum(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a;b;c` (documented) — also tolerates commas and array-style repeated params. */
export function idList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const raw = Array.isArray(v) ? v.map(String) : [String(v)];
  return raw
    .flatMap((s) => s.split(/[;,]/))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
