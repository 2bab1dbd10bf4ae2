// The settings form, derived from the active profile's SettingDeclaration list: the values to show
// (stored or default), and a zod schema that validates a submitted form against exactly those settings.
// Submissions are full replacements of the declared settings (the page always sends every field); a
// missing, unknown or invalid field rejects the whole submission, so nothing is half-saved.
import { z } from 'zod';
import type { SettingDeclaration } from '../../profiles/index.js';

/** The vendor's carriers a shipping method can be paired with (code -> display name). */
export const CARRIERS: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'packeta', name: 'Packeta (Zásilkovna)' },
  { code: 'ppl', name: 'PPL' },
  { code: 'dpd', name: 'DPD' },
  { code: 'gls', name: 'GLS' },
  { code: 'czech-post', name: 'Česká pošta' },
  { code: 'slovak-post', name: 'Slovenská pošta' },
  { code: 'dhl', name: 'DHL' },
  { code: 'ups', name: 'UPS' },
];
const CARRIER_CODES = new Set(CARRIERS.map((c) => c.code));

export type SettingValue = boolean | number | string[] | Record<string, string>;
export type SettingValues = Record<string, SettingValue>;

/** Stored values where valid, defaults elsewhere. */
export function effectiveSettings(declarations: readonly SettingDeclaration[], stored: unknown): SettingValues {
  const source = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const values: SettingValues = {};
  for (const d of declarations) {
    const parsed = valueSchema(d, null).safeParse(source[d.key]);
    values[d.key] = parsed.success ? parsed.data : structuredClone(d.default);
  }
  return values;
}

const MAX_EMAILS = 20;
const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `knownIds`: ids of the `from` records a mapping may pair (null: any well-formed id, for reading stored data). */
function valueSchema(d: SettingDeclaration, knownIds: ReadonlySet<string> | null): z.ZodType<SettingValue> {
  switch (d.type) {
    case 'boolean':
      return z.boolean();
    case 'number':
      return z
        .number()
        .int()
        .min(d.min ?? Number.MIN_SAFE_INTEGER)
        .max(d.max ?? Number.MAX_SAFE_INTEGER);
    case 'emailList':
      return z.array(z.email()).max(MAX_EMAILS);
    case 'mapping':
      return z.record(
        z
          .string()
          .regex(RECORD_ID)
          .refine((id) => !knownIds || knownIds.has(id), 'unknown record'),
        z.string().refine((code) => CARRIER_CODES.has(code), 'unknown carrier'),
      );
  }
}

export function settingsSchema(declarations: readonly SettingDeclaration[], knownIds: Record<string, ReadonlySet<string>>) {
  const shape: Record<string, z.ZodType<SettingValue>> = {};
  for (const d of declarations) shape[d.key] = valueSchema(d, d.type === 'mapping' ? (knownIds[d.from] ?? new Set()) : null);
  return z.strictObject(shape);
}

/**
 * Turns the form fields (`key` for scalars, `key[recordId]` for mappings; checkboxes send "on"/"true" or
 * nothing) into the typed object the schema checks. Unknown fields are kept, so the strict schema rejects them.
 * A JSON body `{ "settings": { ... } }` is passed through as it is.
 */
export function settingsInput(declarations: readonly SettingDeclaration[], body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const fields = body as Record<string, unknown>;
  if ('settings' in fields) return fields.settings;
  const byKey = new Map(declarations.map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  for (const d of declarations) {
    if (d.type === 'boolean')
      out[d.key] = fields[d.key] === undefined ? false : fields[d.key] === 'on' || fields[d.key] === 'true' ? true : fields[d.key];
    if (d.type === 'mapping') out[d.key] = {};
  }
  for (const [name, raw] of Object.entries(fields)) {
    if (name === 'session') continue;
    const mapping = /^([A-Za-z0-9_]+)\[([^\]]*)\]$/.exec(name);
    const d = byKey.get(mapping ? mapping[1]! : name);
    if (!d) {
      out[name] = raw;
      continue;
    }
    if (mapping && d.type === 'mapping') {
      if (raw !== '') (out[d.key] as Record<string, unknown>)[mapping[2]!] = raw;
    } else if (mapping || d.type === 'mapping') {
      out[name] = raw; // wrong shape: left for the schema to reject
    } else if (d.type === 'number') {
      out[d.key] = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    } else if (d.type === 'emailList') {
      out[d.key] = typeof raw === 'string' ? raw.split(/[\s,;]+/).filter(Boolean) : raw;
    }
  }
  return out;
}
