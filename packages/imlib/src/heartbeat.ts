/**
 * Keep-alive of one established socket: a `ping` every `intervalMs`, and a silence alarm when no
 * frame at all has arrived for two intervals (the connection is dead even if the socket looks open).
 */
export class Heartbeat {
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last ping went out (0 before the first), to halve the round trip of its pong. */
  lastPingAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly sendPing: () => void,
    private readonly onSilence: () => void,
  ) {}

  start(): void {
    this.stop();
    this.pingTimer = setInterval(() => {
      this.lastPingAt = Date.now();
      this.sendPing();
    }, this.intervalMs);
    this.frameReceived();
  }

  /** Any frame from the server proves the connection alive. */
  frameReceived(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.stop();
      this.onSilence();
    }, 2 * this.intervalMs);
  }

  stop(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    this.pingTimer = undefined;
    this.silenceTimer = undefined;
  }
}
