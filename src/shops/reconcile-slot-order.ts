// The order in which reconciliation slots are handed out (issue 18.4). Position p goes to an hour of the
// day first, round-robin over the 24 hours (in bit-reversed order: 0, 16, 8, 4, 20, 12, ... h, so a small fleet is already
// spread over the day), so at any fleet size the busiest hour holds at most one shop more than the quietest: the best an
// integer split can do. Within the hour, the k-th shop of that hour sits at the base-2 radical inverse of k
// (0, 1/2, 1/4, 3/4, ...), so the shops of one hour are spread over its minutes as well.

const HOURS = 24;

/** 0..23 in the bit-reversed order of the 5-bit numbers 0..31 (24..31 skipped): 0, 16, 8, 4, 20, 12, 2, ... */
export const HOUR_ORDER: readonly number[] = Array.from({ length: 32 }, (_, i) => reverseBits(i, 5)).filter((h) => h < HOURS);

function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let b = 0; b < bits; b++) out |= ((value >> b) & 1) << (bits - 1 - b);
  return out;
}

/** Van der Corput sequence in base 2: 0, 0.5, 0.25, 0.75, 0.125, ... */
export function radicalInverse2(n: number): number {
  let result = 0;
  let f = 0.5;
  for (let i = n; i > 0; i = Math.floor(i / 2), f /= 2) result += f * (i % 2);
  return result;
}

/** Fraction of the reconciliation period, in [0, 1), of the slot at this position. */
export function slotFraction(position: number): number {
  const hour = HOUR_ORDER[position % HOURS]!;
  const round = Math.floor(position / HOURS);
  return (hour + radicalInverse2(round)) / HOURS;
}
