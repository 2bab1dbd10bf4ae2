// Upgates runs on Prague time: a zoneless "YYYY-MM-DD HH:MM:SS" is a Europe/Prague wall-clock time. The offset
// (CET +01:00 or CEST +02:00) comes from the platform's time-zone data, so DST changes need no code of ours.
const offsetFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Prague', timeZoneName: 'longOffset' });

/** Minutes east of UTC in Prague at the instant `ms`. */
function pragueOffsetMinutes(ms: number): number {
  const name = offsetFormat.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant of a Prague wall-clock time given as if it were UTC (`Date.UTC(y, m, d, h, mi, s)`). */
export function pragueWallClockToUtc(wallClockAsUtcMs: number): number {
  // Guess with the offset an hour earlier, then correct once: exact except inside the DST gap/overlap hour.
  const guess = wallClockAsUtcMs - pragueOffsetMinutes(wallClockAsUtcMs - 3_600_000) * 60_000;
  return wallClockAsUtcMs - pragueOffsetMinutes(guess) * 60_000;
}
