// The profile registry and the runtime's guard: a call the active profile version does not declare is
// refused before it leaves, because Upgates' automatic control suspends add-ons that call undeclared APIs.
import type { Access } from '../upgates/resources.js';
import { emailing } from './emailing.js';
import { expedition } from './expedition.js';
import { fulfillment } from './fulfillment.js';
import type { AddonProfileName, ProfileVersion } from './types.js';

export type * from './types.js';
export { diffProfiles, type ProfileDiff } from './diff.js';
export { requiredAccesses, undeclaredAccesses, unusedAccesses, webhookEventResource, type RequiredAccess } from './required-accesses.js';

/** Every version of every profile, ascending by version. */
export const PROFILES: Readonly<Record<AddonProfileName, readonly ProfileVersion[]>> = { expedition, fulfillment, emailing };

export const PROFILE_NAMES = Object.keys(PROFILES) as AddonProfileName[];

export class UnknownProfileError extends Error {
  override readonly name = 'UnknownProfileError';
}

export class UndeclaredAccessError extends Error {
  override readonly name = 'UndeclaredAccessError';
  constructor(
    readonly profile: AddonProfileName,
    readonly version: number,
    readonly access: Access,
  ) {
    super(`${access} is not declared by profile ${profile} v${version}; the call was not made`);
  }
}

function versionsOf(name: AddonProfileName): readonly ProfileVersion[] {
  const versions = PROFILES[name];
  if (!versions?.length) throw new UnknownProfileError(`Unknown add-on profile ${String(name)}`);
  return versions;
}

export function latestVersion(name: AddonProfileName): number {
  return Math.max(...versionsOf(name).map((pv) => pv.version));
}

/** The given version, or the latest when omitted. Throws UnknownProfileError for an unknown name/version. */
export function getProfile(name: AddonProfileName, version?: number): ProfileVersion {
  const wanted = version ?? latestVersion(name);
  const found = versionsOf(name).find((pv) => pv.version === wanted);
  if (!found) throw new UnknownProfileError(`Profile ${name} has no version ${wanted}`);
  return found;
}

export function isAccessDeclared(pv: ProfileVersion, access: Access): boolean {
  return pv.accesses.some((d) => d.access === access);
}

export function assertAccessDeclared(pv: ProfileVersion, access: Access): void {
  if (!isAccessDeclared(pv, access)) throw new UndeclaredAccessError(pv.profile, pv.version, access);
}

/** Sum of the declared expected calls per day (compare with Upgates' 60,000/day monitor). */
export function expectedCallsPerDay(pv: ProfileVersion): number {
  return pv.accesses.reduce((sum, d) => sum + d.expectedCallsPerDay, 0);
}

/** Upgates' automatic-control threshold per shop and day (reference §5.2). */
export const UPGATES_DAILY_MONITOR_LIMIT = 60_000;
