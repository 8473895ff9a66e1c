/**
 * When one connection's TURN credentials are due for replacement: `interval` after they were last
 * sent (in `welcome` or an `ice.servers` frame). Checked by the IM endpoint's shared sweeper, so a
 * refresh goes out at most one sweep period after it is due; no timer per connection.
 */
export class IceRefreshSchedule {
  #dueAt = Number.POSITIVE_INFINITY;

  /** @param intervalMs time from sending credentials to sending the next ones; undefined = never */
  constructor(private readonly intervalMs: number | undefined) {}

  /** Credentials were just sent, at `now` (ms). */
  sent(now: number): void {
    if (this.intervalMs !== undefined) this.#dueAt = now + this.intervalMs;
  }

  /** Whether fresh credentials should be sent at `now`. */
  due(now: number): boolean {
    return now >= this.#dueAt;
  }
}
