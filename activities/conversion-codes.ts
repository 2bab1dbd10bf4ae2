// Conversion codes the profile owns: created at install and version change, updated or removed at version
// change (Upgates removes them itself at uninstall, together with the API user).
import type { AddonProfileName } from '../src/config.js';
import { diffProfiles, getProfile } from '../src/profiles/index.js';
import type { ConversionCodeDeclaration, ProfileVersion } from '../src/profiles/types.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import type { ConversionCodeResult } from '../src/upgates/schemas/index.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop } from './shop-context.js';

const EMPTY = (pv: ProfileVersion): ProfileVersion => ({
  ...pv,
  version: 0,
  webhookEvents: [],
  initialSync: [],
  codeLists: [],
  conversionCodes: [],
  accesses: [],
});

/**
 * Upgates keys a conversion code by (position, language_id) and refuses an item without a language (per-item
 * message, HTTP 200). A declaration without language_id means "every language mutation", so it is written
 * once per shop language (languages:GET is declared by every profile and is called only when needed).
 */
async function perLanguage(client: UpgatesClient, codes: ConversionCodeDeclaration[]): Promise<ConversionCodeDeclaration[]> {
  if (codes.every((c) => c.language_id)) return codes;
  const languages = (await client.getLanguages({ priority: 'mandatory' })).map((l) => String(l.language_id));
  return codes.flatMap((c) => (c.language_id ? [c] : languages.map((language_id) => ({ ...c, language_id }))));
}

export async function applyConversionCodeDiff(client: UpgatesClient, from: ProfileVersion | null, to: ProfileVersion) {
  const diff = diffProfiles(from ?? EMPTY(to), to);
  const rejected: string[] = [];
  const note = (results: ConversionCodeResult[]) => {
    for (const r of results)
      for (const m of r.messages ?? [])
        if (m.level !== 'info' && m.level !== 'warning') rejected.push(`${r.position}/${r.language_id ?? '-'}: ${m.message}`);
  };
  if (diff.conversionCodesToAdd.length)
    note(await client.createConversionCodes(await perLanguage(client, diff.conversionCodesToAdd), { priority: 'mandatory' }));
  if (diff.conversionCodesToUpdate.length)
    note(await client.updateConversionCodes(await perLanguage(client, diff.conversionCodesToUpdate), { priority: 'mandatory' }));
  for (const code of diff.conversionCodesToRemove)
    await client.deleteConversionCode(code.position, code.language_id, { priority: 'mandatory' });
  return {
    added: diff.conversionCodesToAdd.length + diff.conversionCodesToUpdate.length,
    removed: diff.conversionCodesToRemove.length,
    rejected,
  };
}

export function createConversionCodeActivities(deps: ActivityDeps) {
  return {
    async syncConversionCodes({ shopToken, fromVersion, toVersion }: { shopToken: string; fromVersion: number | null; toVersion: number }) {
      try {
        const { shop, client } = await clientForShop(deps, shopToken);
        const name = shop.profile as AddonProfileName;
        const to = getProfile(name, toVersion);
        if (!to.conversionCodes?.length && fromVersion === null) return { added: 0, removed: 0 };
        const result = await applyConversionCodeDiff(client, fromVersion === null ? null : getProfile(name, fromVersion), to);
        if (result.rejected.length) deps.logger.warn({ shopToken, rejected: result.rejected }, 'Upgates refused some conversion codes');
        return { added: result.added, removed: result.removed };
      } catch (error) {
        throw toTemporalFailure(error);
      }
    },
  };
}
