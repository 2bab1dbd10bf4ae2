// Request bodies of the four Upgates lifecycle callbacks (upgates-reference.md §1). Lenient where Upgates
// is documented to be (version as "" or a number), strict where a wrong value would be dangerous.
import { z } from 'zod';

const token = z.string().min(1).max(200);
const version = z
  .union([z.number().int().min(0), z.literal(''), z.string().regex(/^\d{1,6}$/)])
  .transform((v) => (v === '' ? 0 : Number(v)));
const language = z.enum(['cs', 'sk', 'en']);
const time = z.string().min(1).max(64);
const signature = z
  .string()
  .min(16)
  .max(4096)
  .regex(/^[A-Za-z0-9+/=]+$/, 'must be base64');

export const installBodySchema = z.object({
  token,
  version: version.default(0),
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
  version: version.default(0),
  current_admin_language: language.default('cs'),
  time,
  signature_v2: signature,
});
export const uninstallBodySchema = z.object({ token, version: version.default(0), time, signature_v2: signature });
export const versionBodySchema = z.object({ token, version, time, signature_v2: signature });

export type InstallBody = z.output<typeof installBodySchema>;
export type OpenBody = z.output<typeof openBodySchema>;
export type UninstallBody = z.output<typeof uninstallBodySchema>;
export type VersionBody = z.output<typeof versionBodySchema>;
