/**
 * Login attempts per client address: a few free failures, then a lockout that doubles with every
 * further failure (1 s, 2 s, 4 s … capped). A success clears the address. Bounded memory: the
 * oldest addresses are forgotten past `maxAddresses`. Per node (a cluster multiplies the budget by
 * its node count, still exponential).
 */
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

export class LoginThrottle {
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
    const over = state.failures - this.freeFailures;
    if (over > 0) state.lockedUntil = this.now() + Math.min(this.maxLockMs, this.baseLockMs * 2 ** Math.min(over - 1, 30));
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
