/**
 * At most `limit` attempts per key in a sliding `windowMs` (per-user call attempts). Memory is bounded:
 * keys with no attempt inside the window are dropped as the map is swept.
 */
export class AttemptCounter {
  private readonly attempts = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record an attempt; false (and nothing recorded) when the key is over its limit. */
  take(key: string): boolean {
    const now = this.now();
    this.sweep(now);
    const recent = (this.attempts.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.attempts.set(key, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(key, recent);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.attempts) if (times.every((t) => now - t >= this.windowMs)) this.attempts.delete(key);
  }
}
