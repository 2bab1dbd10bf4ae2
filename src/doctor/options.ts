// Command line and environment of `npm run doctor`. Flags win over the environment. The API key is better
// passed as UPGATES_API_KEY than as --key: a flag shows in the process list and the shell history.
import { parseArgs } from 'node:util';
import { PROFILE_NAMES, type AddonProfileName } from '../profiles/index.js';

export const DOCTOR_USAGE = `usage: npm run doctor -- --api-url https://SHOP.admin.upgates.com/api/v2 --user U --key K
         [--profile ${PROFILE_NAMES.join('|')}] [--version N] [--public-url https://addon.example.com] [--json]
environment instead of flags: UPGATES_API_URL, UPGATES_API_USER, UPGATES_API_KEY, ADDON_PROFILE, PUBLIC_URL
(also read: UPGATES_PUBLIC_KEY_URL, UPGATES_PUBLIC_KEY_FILE, UPGATES_API_HOSTS, NODE_ENV, as the app reads them)`;

export interface DoctorOptions {
  apiUrl: string;
  apiUser: string;
  apiKey: string;
  /** Undefined: ADDON_PROFILE from the app's configuration. */
  profile: AddonProfileName | undefined;
  /** Undefined: the latest version of the profile. */
  version: number | undefined;
  /** Undefined: PUBLIC_URL from the app's configuration. */
  publicUrl: string | undefined;
  json: boolean;
}

export type ParsedOptions = { ok: true; options: DoctorOptions } | { ok: false; message: string };

export function parseDoctorOptions(argv: string[], env: NodeJS.ProcessEnv): ParsedOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'api-url': { type: 'string' },
        user: { type: 'string' },
        key: { type: 'string' },
        profile: { type: 'string' },
        version: { type: 'string' },
        'public-url': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    // A stray argument may be a key typed without --key: never echo it.
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      return { ok: false, message: 'unexpected argument without a flag (not shown: it may be a secret)' };
    }
    // The other parseArgs errors name the flag only.
    return { ok: false, message: (error as Error).message.split('\n')[0] ?? 'invalid arguments' };
  }
  const str = (flag: string, variable?: string): string | undefined => {
    const value = (values[flag] as string | undefined) ?? (variable ? env[variable] : undefined);
    return value?.trim() ? value.trim() : undefined;
  };
  const apiUrl = str('api-url', 'UPGATES_API_URL');
  const apiUser = str('user', 'UPGATES_API_USER');
  const apiKey = str('key', 'UPGATES_API_KEY');
  const missing = [
    !apiUrl && '--api-url (UPGATES_API_URL)',
    !apiUser && '--user (UPGATES_API_USER)',
    !apiKey && '--key (UPGATES_API_KEY)',
  ].filter(Boolean);
  if (missing.length) return { ok: false, message: `missing ${missing.join(', ')}` };
  if (!isHttpUrl(apiUrl as string)) return { ok: false, message: '--api-url must be an http(s) URL ending in /api/v2' };

  const profile = str('profile');
  if (profile !== undefined && !(PROFILE_NAMES as string[]).includes(profile)) {
    return { ok: false, message: `--profile must be one of ${PROFILE_NAMES.join(', ')}` };
  }
  const versionText = str('version');
  const version = versionText === undefined ? undefined : Number(versionText);
  if (version !== undefined && (!Number.isInteger(version) || version < 1))
    return { ok: false, message: '--version needs a positive integer' };

  return {
    ok: true,
    options: {
      apiUrl: (apiUrl as string).replace(/\/+$/, ''),
      apiUser: apiUser as string,
      apiKey: apiKey as string,
      profile: profile as AddonProfileName | undefined,
      version,
      publicUrl: str('public-url'),
      json: values.json === true,
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
