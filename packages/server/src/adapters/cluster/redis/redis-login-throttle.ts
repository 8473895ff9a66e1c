/**
 * Console login failures shared by every node of a cluster, so N nodes do not give an address N×
 * the attempts. Per address: a failure counter (`INCR`, expiring `forgetAfterMs` after the last
 * failure) and, past the free failures, a lock key whose TTL is the doubling lock. A success deletes
 * both. While Redis cannot be reached the node falls back to its own memory (still throttled on this
 * node; the console keeps answering rather than refusing every login).
 */
import type { Logger } from 'pino';
import { type LoginAttempts, LoginThrottle, lockMsAfter } from '../../../services/console/login-throttle.js';
import type { RedisCluster } from './redis-cluster.js';

export interface RedisLoginThrottleOptions {
  freeFailures?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  /** A counter with no new failure for this long is forgotten (default: twice the longest lock). */
  forgetAfterMs?: number;
}

export class RedisLoginThrottle implements LoginAttempts {
  readonly #policy: { freeFailures: number; baseLockMs: number; maxLockMs: number };
  readonly #forgetAfterMs: number;
  readonly #local: LoginThrottle;
  #warnedAt = 0;

  constructor(
    private readonly redis: RedisCluster,
    private readonly logger: Logger,
    options: RedisLoginThrottleOptions = {},
  ) {
    this.#policy = {
      freeFailures: options.freeFailures ?? 5,
      baseLockMs: options.baseLockMs ?? 1000,
      maxLockMs: options.maxLockMs ?? 15 * 60_000,
    };
    this.#forgetAfterMs = options.forgetAfterMs ?? 2 * this.#policy.maxLockMs;
    this.#local = new LoginThrottle(this.#policy);
  }

  async retryAfterMs(address: string): Promise<number> {
    try {
      const ttl = await this.redis.command.pttl(this.redis.keys.loginLock(address));
      return Math.max(ttl, 0); // -2: no lock, -1 cannot happen (always set with PX)
    } catch (error) {
      this.#warn(error);
      return this.#local.retryAfterMs(address);
    }
  }

  async failed(address: string): Promise<void> {
    this.#local.failed(address);
    const failuresKey = this.redis.keys.loginFailures(address);
    try {
      const replies = await this.redis.command.multi().incr(failuresKey).pexpire(failuresKey, this.#forgetAfterMs).exec();
      const failures = Number(replies?.[0]?.[1] ?? 0);
      const lockMs = lockMsAfter(failures, this.#policy);
      if (lockMs > 0) await this.redis.command.set(this.redis.keys.loginLock(address), String(failures), 'PX', lockMs);
    } catch (error) {
      this.#warn(error);
    }
  }

  async succeeded(address: string): Promise<void> {
    this.#local.succeeded(address);
    try {
      await this.redis.command.del(this.redis.keys.loginFailures(address), this.redis.keys.loginLock(address));
    } catch (error) {
      this.#warn(error);
    }
  }

  #warn(error: unknown): void {
    if (Date.now() - this.#warnedAt < 10_000) return;
    this.#warnedAt = Date.now();
    this.logger.warn({ err: error }, 'cluster: console login failures counted on this node only while Redis is unavailable');
  }
}
