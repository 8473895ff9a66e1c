/** When a failed outbox delivery is tried again: backoff by the number of attempts made so far. */

/** Wait after the 1st, 2nd, … failed attempt; the last entry repeats. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000, 120_000, 600_000];

/** Delay before the next attempt once `attempts` (≥ 1) have failed. */
export function retryDelayMs(attempts: number, delays: readonly number[] = RETRY_DELAYS_MS): number {
  if (delays.length === 0) throw new RangeError('the retry schedule is empty');
  const index = Math.min(Math.max(1, Math.trunc(attempts)), delays.length) - 1;
  return delays[index]!;
}
