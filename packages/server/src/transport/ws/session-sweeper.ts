/**
 * One timer for every socket of the IM endpoint: each period it asks every registered session to
 * check its own deadlines (hello timeout, heartbeat silence). Replaces a `setInterval` per socket,
 * which cost a timer object, a closure and a wakeup per connection.
 */

/** Something with deadlines to check. */
export interface Sweepable {
  /** Check deadlines against `now` (ms); may close the session (and so remove it). */
  sweep(now: number): void;
}

export class SessionSweeper {
  private readonly members = new Set<Sweepable>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param periodMs how often deadlines are checked
   * @param onError a member's sweep threw (the others still run)
   */
  constructor(
    private readonly periodMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.members.size;
  }

  add(member: Sweepable): void {
    this.members.add(member);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweepAll(), this.periodMs);
      this.timer.unref();
    }
  }

  delete(member: Sweepable): void {
    this.members.delete(member);
    if (this.members.size === 0) this.stop();
  }

  /** Check every member once (the timer calls this; tests may too). */
  sweepAll(): void {
    const now = this.now();
    // Deleting the current member while iterating a Set is safe; members added meanwhile are visited too.
    for (const member of this.members) {
      try {
        member.sweep(now);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
