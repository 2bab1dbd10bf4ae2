// Deterministic per-shop offsets (pure, no I/O, safe inside workflows). FNV-1a over the shop token gives a
// well-mixed 32-bit value; the offsets spread many shops evenly over a period so they do not flush or
// reconcile in lock-step (Upgates asks add-ons to spread scheduled work over the day).

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche (from murmur3's fmix32) so similar tokens land far apart.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Offset in [0, periodMs) for this shop. */
export function shopOffsetMs(shopToken: string, periodMs: number, salt = ''): number {
  return Math.floor((fnv1a32(salt + shopToken) / 0x1_0000_0000) * periodMs);
}

/** The first instant >= `atMs` that lies on this shop's grid (`offset + k * periodMs`). */
export function alignToShopGrid(atMs: number, shopToken: string, periodMs: number): number {
  if (periodMs <= 0) return atMs;
  const offset = shopOffsetMs(shopToken, periodMs, 'flush:');
  const k = Math.ceil((atMs - offset) / periodMs);
  return offset + k * periodMs;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** This shop's daily reconciliation time of day, in ms after midnight UTC. */
export function reconcileTimeOfDayMs(shopToken: string): number {
  return shopOffsetMs(shopToken, DAY_MS, 'reconcile:');
}

/**
 * The next reconciliation instant strictly after `afterMs`, on this shop's slot of the period (default a day):
 * the slot claimed at install (`slotFraction` of the period, issue 18.4) or, for shops installed before slots
 * were claimed, the token's hash.
 */
export function nextReconcileAt(shopToken: string, afterMs: number, periodMs: number = DAY_MS, slotFraction?: number): number {
  const periodStart = Math.floor(afterMs / periodMs) * periodMs;
  const offset = slotFraction === undefined ? shopOffsetMs(shopToken, periodMs, 'reconcile:') : Math.floor(slotFraction * periodMs);
  let at = periodStart + offset;
  if (at <= afterMs) at += periodMs;
  return at;
}
