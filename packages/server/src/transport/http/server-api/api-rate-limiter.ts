/**
 * Server-API rate limiting (RongCloud: 100 req/s per App Key for most endpoints, 200 for
 * `/user/getToken.json`; over the limit → HTTP 429, code 1008). One token bucket per App Key and
 * endpoint class: capacity = one second of requests, refilled continuously. Memory is two numbers
 * per bucket; buckets that have refilled completely carry no information and are swept when the
 * map grows past {@link MAX_TRACKED_BUCKETS}, so it stays bounded whatever the traffic.
 */

/** Default sustained rate per App Key (env `OPENCALL_API_RATE_PER_SEC`). */
export const DEFAULT_API_RATE_PER_SEC = 100;
/** `/user/getToken.json` gets this many times the configured rate (RongCloud: 200 vs 100). */
export const GET_TOKEN_RATE_FACTOR = 2;
export const MAX_TRACKED_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  /** Clock reading (ms) of the last refill. */
  at: number;
}

/** A keyed token bucket; `tryTake` is O(1) amortised and never throws. */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * @param ratePerSec sustained rate, also the burst size
   * @param now monotonic clock in ms (injectable for tests)
   */
  constructor(
    private readonly ratePerSec: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBuckets = MAX_TRACKED_BUCKETS,
  ) {
    if (!(ratePerSec > 0)) throw new RangeError(`rate must be positive, got ${ratePerSec}`);
  }

  /** Takes one token for `key`; false when the key is over its rate. */
  tryTake(key: string): boolean {
    const at = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxBuckets) this.sweep(at);
      bucket = { tokens: this.ratePerSec, at };
      this.buckets.set(key, bucket);
    } else {
      this.refill(bucket, at);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Number of buckets currently tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, at: number): void {
    const elapsed = Math.max(0, at - bucket.at);
    bucket.tokens = Math.min(this.ratePerSec, bucket.tokens + (elapsed / 1000) * this.ratePerSec);
    bucket.at = at;
  }

  /** Drops full buckets (same as absent); if none is full, drops the oldest half. */
  private sweep(at: number): void {
    for (const [key, bucket] of this.buckets) {
      this.refill(bucket, at);
      if (bucket.tokens >= this.ratePerSec) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxBuckets) return;
    let excess = Math.ceil(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The per-App-Key limiter of the server API. */
export class ServerApiRateLimiter {
  private readonly standard: KeyedTokenBuckets;
  private readonly getToken: KeyedTokenBuckets;

  constructor(ratePerSec = DEFAULT_API_RATE_PER_SEC, now?: () => number) {
    this.standard = new KeyedTokenBuckets(ratePerSec, now);
    this.getToken = new KeyedTokenBuckets(ratePerSec * GET_TOKEN_RATE_FACTOR, now);
  }

  /** Whether a request of `appKey` to `path` (no query string) may proceed. */
  allow(appKey: string, path: string): boolean {
    return path === '/user/getToken.json' ? this.getToken.tryTake(appKey) : this.standard.tryTake(appKey);
  }
}
