/** UTC calendar days as `YYYY-MM-DD` and their epoch-ms bounds. */

export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Thrown for a day that is not a real `YYYY-MM-DD` date or a range the queries refuse. */
export class DayRangeError extends RangeError {
  override readonly name = 'DayRangeError';
}

/** Index of the UTC day (`ms / DAY_MS`, floored) of `YYYY-MM-DD`; throws {@link DayRangeError}. */
export function dayIndex(day: string): number {
  const match = DAY_PATTERN.exec(day);
  if (!match) throw new DayRangeError(`${JSON.stringify(day)} is not a YYYY-MM-DD day`);
  const [, year, month, date] = match.map(Number) as [number, number, number, number];
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 2026-02-31 over to March: a day that does not round-trip does not exist.
  if (Number.isNaN(ms) || dayName(Math.floor(ms / DAY_MS)) !== day) throw new DayRangeError(`${day} is not a calendar day`);
  return Math.floor(ms / DAY_MS);
}

/** `YYYY-MM-DD` of a UTC day index. */
export function dayName(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}
