/**
 * Notices that inbound media stopped before ICE does: Chrome keeps a dead path `connected` for ≈5 s
 * after the network under it changed, while RTP stops at once. Fed with the connection's received
 * packet count every sample period; pure logic, the caller owns the clock and the stats.
 */

/** No new inbound packet for this long (after some had arrived) means the media stalled. */
export const STALL_MS = 800;

export type FlowChange = 'stalled' | 'resumed';

export class InboundFlow {
  #lastPackets = -1;
  #lastGrowthAt: number | undefined;
  #stalled = false;

  /**
   * One sample: `packets` received so far on the connection, at `now`. `expectsMedia`: the remote has
   * unmuted tracks, so silence means trouble (a muted or absent sender may legitimately send nothing).
   */
  sample(packets: number, now: number, expectsMedia: boolean): FlowChange | undefined {
    const grew = this.#lastPackets >= 0 && packets > this.#lastPackets;
    this.#lastPackets = packets;
    if (grew) {
      this.#lastGrowthAt = now;
      if (!this.#stalled) return undefined;
      this.#stalled = false;
      return 'resumed';
    }
    if (this.#stalled || !expectsMedia || this.#lastGrowthAt === undefined || now - this.#lastGrowthAt < STALL_MS) return undefined;
    this.#stalled = true;
    return 'stalled';
  }

  /** Whether packets arrived within the last `STALL_MS`. */
  flowing(now: number): boolean {
    return this.#lastGrowthAt !== undefined && now - this.#lastGrowthAt < STALL_MS;
  }
}
