/**
 * Login attempts per client address: a few free failures, then a lockout that doubles with every
 * further failure (1 s, 2 s, 4 s … capped). A success clears the address. Bounded memory: the
 * oldest addresses are forgotten past `maxAddresses`. This memory one serves the embedded default;
 * cluster mode shares the counts through Redis (adapters/cluster/redis/redis-login-throttle.ts), so N
 * nodes do not give an address N× the attempts.
 */

/** What the console's login route needs (memory or Redis; the Redis one answers asynchronously). */
export interface LoginAttempts {
  /** Ms the address must still wait before it may try (0: it may try now). */
  retryAfterMs(address: string): number | Promise<number>;
  failed(address: string): void | Promise<void>;
  succeeded(address: string): void | Promise<void>;
}

/** The lock after `failures` failures in a row (0 while within the free failures). */
export function lockMsAfter(failures: number, policy: { freeFailures: number; baseLockMs: number; maxLockMs: number }): number {
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over - 1, 30));
}

export interface LoginThrottleOptions {
  freeFailures?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  maxAddresses?: number;
  now?: () => number;
}

interface AddressState {
  failures: number;
  lockedUntil: number;
}

export class LoginThrottle implements LoginAttempts {
  private readonly byAddress = new Map<string, AddressState>();
  private readonly freeFailures: number;
  private readonly baseLockMs: number;
  private readonly maxLockMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.freeFailures = options.freeFailures ?? 5;
    this.baseLockMs = options.baseLockMs ?? 1000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Ms the address must still wait before it may try (0: it may try now). */
  retryAfterMs(address: string): number {
    const state = this.byAddress.get(address);
    return state ? Math.max(0, state.lockedUntil - this.now()) : 0;
  }

  failed(address: string): void {
    const state = this.byAddress.get(address) ?? { failures: 0, lockedUntil: 0 };
    state.failures += 1;
    const lockMs = lockMsAfter(state.failures, { freeFailures: this.freeFailures, baseLockMs: this.baseLockMs, maxLockMs: this.maxLockMs });
    if (lockMs > 0) state.lockedUntil = this.now() + lockMs;
    this.byAddress.delete(address);
    this.byAddress.set(address, state);
    while (this.byAddress.size > this.maxAddresses) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest === undefined) break;
      this.byAddress.delete(oldest);
    }
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }
}
