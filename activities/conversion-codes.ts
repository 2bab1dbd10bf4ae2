// Conversion codes the profile owns: created at install and version change, updated or removed at version
// change (Upgates removes them itself at uninstall, together with the API user).
import type { AddonProfileName } from '../src/config.js';
import { diffProfiles, getProfile } from '../src/profiles/index.js';
import type { ProfileVersion } from '../src/profiles/types.js';
import type { UpgatesClient } from '../src/upgates/client.js';
import { toTemporalFailure } from '../src/upgates/temporal-failure.js';
import type { ActivityDeps } from './deps.js';
import { clientForShop } from './shop-context.js';

const EMPTY = (pv: ProfileVersion): ProfileVersion => ({ ...pv, version: 0, webhookEvents: [], initialSync: [], codeLists: [], conversionCodes: [], accesses: [] });

export async function applyConversionCodeDiff(client: UpgatesClient, from: ProfileVersion | null, to: ProfileVersion) {
  const diff = diffProfiles(from ?? EMPTY(to), to);
  if (diff.conversionCodesToAdd.length) await client.createConversionCodes(diff.conversionCodesToAdd, { priority: 'mandatory' });
  if (diff.conversionCodesToUpdate.length) await client.updateConversionCodes(diff.conversionCodesToUpdate, { priority: 'mandatory' });
  for (const code of diff.conversionCodesToRemove) await client.deleteConversionCode(code.position, code.language_id, { priority: 'mandatory' });
  return { added: diff.conversionCodesToAdd.length + diff.conversionCodesToUpdate.length, removed: diff.conversionCodesToRemove.length };
}

export function createConversionCodeActivities(deps: ActivityDeps) {
  return {
    async syncConversionCodes({ shopToken, fromVersion, toVersion }: { shopToken: string; fromVersion: number | null; toVersion: number }) {
      try {
        const { shop, client } = await clientForShop(deps, shopToken);
        const name = shop.profile as AddonProfileName;
        const to = getProfile(name, toVersion);
        if (!(to.conversionCodes?.length) && fromVersion === null) return { added: 0, removed: 0 };
        return await applyConversionCodeDiff(client, fromVersion === null ? null : getProfile(name, fromVersion), to);
      } catch (error) {
        throw toTemporalFailure(error);
      }
    },
  };
}
