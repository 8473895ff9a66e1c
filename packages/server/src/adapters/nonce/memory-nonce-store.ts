/**
 * The in-memory {@link NonceStore} of a single server: a Map from `appKey + nonce` to its expiry,
 * bounded twice. Entries expire with the signature window (a request whose timestamp has left the
 * window is refused anyway, so its nonce no longer needs remembering), and the total is capped: when
 * the cap is reached the store answers `'full'` (the request is refused) instead of evicting, because
 * evicting a live nonce would let its request be replayed.
 *
 * Expired entries are dropped from the front of the Map (insertion order, which is close to expiry
 * order since timestamps are near "now"), and by a full sweep when the cap is reached (at most once
 * per {@link FULL_SWEEP_INTERVAL_MS}, so a full store does not cost a scan per request).
 */
import type { NonceStore, NonceVerdict } from '../../ports/index.js';

/**
 * Default cap. The server-API rate limit bounds what one App Key can add (100 + 200 getToken
 * requests/s over a ±300 s window: 180,000 at most, ≈90,000 with honest clocks); about 100 bytes each.
 */
export const DEFAULT_NONCE_CAPACITY = 200_000;
/** A full store re-scans for expired entries at most this often. */
export const FULL_SWEEP_INTERVAL_MS = 1000;
/** Expired entries dropped from the front per call, at most (amortised O(1)). */
const HEAD_DROP_LIMIT = 64;

export class MemoryNonceStore implements NonceStore {
  readonly #entries = new Map<string, number>();
  #lastFullSweepAt = Number.NEGATIVE_INFINITY;

  /**
   * @param capacity most nonces remembered at once
   * @param now wall clock (ms), injectable for tests
   */
  constructor(
    private readonly capacity = DEFAULT_NONCE_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capacity > 0)) throw new RangeError(`capacity must be positive, got ${capacity}`);
  }

  /** Nonces currently remembered (expired ones not yet dropped included). */
  get size(): number {
    return this.#entries.size;
  }

  async remember(appKey: string, nonce: string, expiresAt: number): Promise<NonceVerdict> {
    const now = this.now();
    this.#dropExpiredHead(now);
    const key = `${appKey}\u0000${nonce}`;
    const seen = this.#entries.get(key);
    if (seen !== undefined) {
      if (seen > now) return 'replayed';
      this.#entries.delete(key);
    }
    if (this.#entries.size >= this.capacity) {
      if (now - this.#lastFullSweepAt >= FULL_SWEEP_INTERVAL_MS) this.#sweep(now);
      if (this.#entries.size >= this.capacity) return 'full';
    }
    this.#entries.set(key, expiresAt);
    return 'new';
  }

  #dropExpiredHead(now: number): void {
    let budget = HEAD_DROP_LIMIT;
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > now || budget-- <= 0) return;
      this.#entries.delete(key);
    }
  }

  #sweep(now: number): void {
    this.#lastFullSweepAt = now;
    for (const [key, expiresAt] of this.#entries) if (expiresAt <= now) this.#entries.delete(key);
  }
}
