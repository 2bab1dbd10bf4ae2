// Request bodies of the four Upgates lifecycle callbacks (upgates-reference.md §1). Lenient where Upgates
// is documented to be or may differ (version as any identifier, any admin language code), strict where a
// wrong value would be dangerous.
import { z } from 'zod';
import { isAdminLanguage } from '../ui/i18n.js';
import type { AdminLanguage } from '../../security/session-token.js';
import { upgatesVersionId } from './version-mapping.js';

const token = z.string().min(1).max(200);
/** Upgates' own identifier of the add-on version (mapped to a manifest by version-mapping.ts). */
const version = z
  .union([
    z.number().int().min(0),
    z
      .string()
      .max(64)
      .regex(/^[\w.-]*$/, 'must be a version identifier'),
  ])
  .optional()
  .transform(upgatesVersionId);
/** Any language code Upgates sends (cs, sk, en, de, pl, hu, ...); the iframe falls back to English. */
const language = z
  .string()
  .max(20)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'must be a language code');
const time = z.string().min(1).max(64);
const signature = z
  .string()
  .min(16)
  .max(4096)
  .regex(/^[A-Za-z0-9+/=]+$/, 'must be base64');

export const installBodySchema = z.object({
  token,
  version,
  apiUser: z.string().min(1).max(200),
  apiKey: z.string().min(1).max(500),
  apiUrl: z
    .string()
    .url()
    .max(500)
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
  current_admin_language: language.default('cs'),
  time,
  signature_v2: signature,
});
export const openBodySchema = z.object({
  token,
  version,
  current_admin_language: language.default('cs'),
  time,
  signature_v2: signature,
});
export const uninstallBodySchema = z.object({ token, version, time, signature_v2: signature });
export const versionBodySchema = z.object({ token, version, time, signature_v2: signature });

export type InstallBody = z.output<typeof installBodySchema>;
export type OpenBody = z.output<typeof openBodySchema>;
export type UninstallBody = z.output<typeof uninstallBodySchema>;
export type VersionBody = z.output<typeof versionBodySchema>;

/** The iframe's language for an admin language code: cs, sk or en, else English. */
export function adminLanguageOf(code: string): AdminLanguage {
  const base = code.toLowerCase().split(/[-_]/)[0];
  return isAdminLanguage(base) ? base : 'en';
}
