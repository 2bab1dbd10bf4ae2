// What a version change must do, computed from the two manifests (design §4 "Version change").
import type { Access, Resource } from '../upgates/resources.js';
import type { ConversionCodeDeclaration, ProfileVersion } from './types.js';

export interface ProfileDiff {
  webhooksToAdd: string[];
  webhooksToRemove: string[];
  /** New (position, language) pairs: POST. */
  conversionCodesToAdd: ConversionCodeDeclaration[];
  /** Same (position, language), different code: PUT. */
  conversionCodesToUpdate: ConversionCodeDeclaration[];
  /** Pairs the new version no longer has: DELETE. */
  conversionCodesToRemove: ConversionCodeDeclaration[];
  /** Resources (initial sync or code list) the old version did not sync: sync them now. */
  resourcesToSync: Resource[];
  accessesAdded: Access[];
  accessesRemoved: Access[];
}

// Upgates keys a conversion code by (API user, position, language); no language means all languages.
const codeKey = (c: ConversionCodeDeclaration) => `${c.position}|${c.language_id ?? '*'}`;

const minus = <T>(a: readonly T[], b: readonly T[]) => {
  const exclude = new Set(b);
  return [...new Set(a)].filter((x) => !exclude.has(x));
};

const syncedResources = (pv: ProfileVersion): Resource[] => [...pv.initialSync.map((s) => s.resource), ...pv.codeLists];

export function diffProfiles(oldPV: ProfileVersion, newPV: ProfileVersion): ProfileDiff {
  const oldCodes = new Map((oldPV.conversionCodes ?? []).map((c) => [codeKey(c), c]));
  const newCodes = new Map((newPV.conversionCodes ?? []).map((c) => [codeKey(c), c]));

  return {
    webhooksToAdd: minus(newPV.webhookEvents, oldPV.webhookEvents),
    webhooksToRemove: minus(oldPV.webhookEvents, newPV.webhookEvents),
    conversionCodesToAdd: [...newCodes].filter(([key]) => !oldCodes.has(key)).map(([, c]) => c),
    conversionCodesToUpdate: [...newCodes].filter(([key, c]) => oldCodes.has(key) && oldCodes.get(key)?.code !== c.code).map(([, c]) => c),
    conversionCodesToRemove: [...oldCodes].filter(([key]) => !newCodes.has(key)).map(([, c]) => c),
    resourcesToSync: minus(syncedResources(newPV), syncedResources(oldPV)),
    accessesAdded: minus(
      newPV.accesses.map((a) => a.access),
      oldPV.accesses.map((a) => a.access),
    ),
    accessesRemoved: minus(
      oldPV.accesses.map((a) => a.access),
      newPV.accesses.map((a) => a.access),
    ),
  };
}
