/**
 * Frames this node's device WebSockets received (by type) and sent, counted in plain fields (no
 * per-frame label lookup) and read by `/metrics` at scrape time (`opencall_ws_frames_*_total`). Frames per
 * call are what the server's CPU per call scales with (`npm run bench -- --only throughput`).
 */
export class FrameTally {
  private readonly byType = new Map<string, number>();
  private sentFrames = 0;

  /** A decoded client frame of type `t`. */
  received(t: string): void {
    this.byType.set(t, (this.byType.get(t) ?? 0) + 1);
  }

  /** A frame written to a device's socket. */
  sent(): void {
    this.sentFrames++;
  }

  receivedByType(): ReadonlyMap<string, number> {
    return this.byType;
  }

  sentTotal(): number {
    return this.sentFrames;
  }
}
