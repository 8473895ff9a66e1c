/** When a failed outbox delivery is tried again: backoff by the number of attempts made so far. */

/** Wait after the 1st, 2nd, … failed attempt; the last entry repeats. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000, 120_000, 600_000];

/** Delay before the next attempt once `attempts` (≥ 1) have failed. */
export function retryDelayMs(attempts: number, delays: readonly number[] = RETRY_DELAYS_MS): number {
  if (delays.length === 0) throw new RangeError('the retry schedule is empty');
  const index = Math.min(Math.max(1, Math.trunc(attempts)), delays.length) - 1;
  return delays[index]!;
}

/** `delayMs` moved by a uniform random share in [-jitter, +jitter] of itself (`jitter` clamped to 0–1). */
export function withJitter(delayMs: number, jitter: number, random: () => number = Math.random): number {
  const share = Math.min(1, Math.max(0, jitter));
  if (share === 0) return delayMs;
  return Math.max(0, Math.round(delayMs * (1 + share * (2 * random() - 1))));
}
