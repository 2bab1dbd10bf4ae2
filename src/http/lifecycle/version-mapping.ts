// Upgates names add-on versions with its own identifiers (its docs show `0`); our manifests are numbered
// 1, 2, ... UPGATES_VERSIONS maps one to the other. Without a mapping an identifier that equals a manifest
// number maps to it. Anything unmapped never silently becomes the newest manifest: that one may need
// accesses the shop's owner did not grant.
import type { AddonProfileName, Config } from '../../config.js';
import { PROFILES } from '../../profiles/index.js';

/** The body's `version` as Upgates' identifier: "" (Upgates sends it for the first version) reads as "0". */
export const upgatesVersionId = (raw: string | number | undefined): string => (raw === undefined || raw === '' ? '0' : String(raw).trim());

function manifestVersions(profile: AddonProfileName): number[] {
  return PROFILES[profile].map((pv) => pv.version).sort((a, b) => a - b);
}

/** The manifest version for an Upgates identifier, or undefined when it is not mapped. */
export function mappedManifestVersion(config: Pick<Config, 'profile' | 'upgatesVersions'>, upgatesId: string): number | undefined {
  const known = manifestVersions(config.profile);
  const configured = Object.keys(config.upgatesVersions).length > 0;
  const candidate = configured ? config.upgatesVersions[upgatesId] : /^\d+$/.test(upgatesId) ? Number(upgatesId) : undefined;
  return candidate !== undefined && known.includes(candidate) ? candidate : undefined;
}

/** At install an unmapped identifier runs the first manifest (the fewest accesses); `mapped` says which case. */
export function installManifestVersion(config: Pick<Config, 'profile' | 'upgatesVersions'>, upgatesId: string) {
  const mapped = mappedManifestVersion(config, upgatesId);
  return { version: mapped ?? manifestVersions(config.profile)[0]!, mapped: mapped !== undefined };
}
