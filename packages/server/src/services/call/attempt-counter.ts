/**
 * At most `limit` attempts per key in a sliding `windowMs` (per-user call attempts). Memory is bounded:
 * keys with no attempt inside the window are dropped as the map is swept.
 *
 * Each key's attempt times are kept sorted, so the ones that left the window are a prefix: an attempt
 * costs O(1) amortized however many the window holds (a bench caller places thousands a minute).
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
    let times = this.attempts.get(key);
    if (!times) {
      times = [];
      this.attempts.set(key, times);
    }
    let expired = 0;
    while (expired < times.length && now - (times[expired] as number) >= this.windowMs) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= this.limit) return false;
    // Sorted insert (a clock that stepped back puts `now` before the last ones; usually it is appended).
    let at = times.length;
    while (at > 0 && (times[at - 1] as number) > now) at--;
    times.splice(at, 0, now);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.attempts) if (times.every((t) => now - t >= this.windowMs)) this.attempts.delete(key);
  }
}
