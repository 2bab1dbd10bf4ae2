// Credentials Upgates answered 401 to, remembered for the life of the process, so that no other request with
// the same login leaves this process after the first 401: Upgates blocks the whole IP for an hour after 5
// failed logins, and one stale shop must not lock out every other shop served from here. The shop's own
// latch in MongoDB (src/shops/credentials-rejection.ts) stops the next activities in any process; this
// set stops requests already queued in a running activity. Keyed by a hash, never by the key itself.
import { createHash } from 'node:crypto';

const rejected = new Set<string>();

/** Entries are a few dozen bytes; a process serving thousands of shops keeps well under a megabyte. */
const MAX_ENTRIES = 50_000;

function keyOf(shopToken: string, authorization: string): string {
  return createHash('sha256').update(shopToken).update('\0').update(authorization).digest('base64url');
}

export function rememberRejectedCredentials(shopToken: string, authorization: string): void {
  if (rejected.size >= MAX_ENTRIES) rejected.clear();
  rejected.add(keyOf(shopToken, authorization));
}

export function credentialsKnownRejected(shopToken: string, authorization: string): boolean {
  return rejected.has(keyOf(shopToken, authorization));
}
