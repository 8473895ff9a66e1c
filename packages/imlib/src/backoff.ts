/** Reconnect delays: exponential growth from `baseMs` up to `capMs`, with jitter so clients spread out. */

export interface BackoffOptions {
  /** Delay ceiling of the first retry (ms). Default 500. */
  baseMs?: number;
  /** Largest delay (ms). Default 30 000. */
  capMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_CAP_MS = 30_000;

/**
 * Delay before retry number `attempt` (0-based): a value in `[ceiling / 2, ceiling]` where
 * `ceiling = min(capMs, baseMs · 2^attempt)`.
 */
export function reconnectDelayMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(cap, base * 2 ** exponent);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
