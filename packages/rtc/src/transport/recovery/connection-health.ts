/**
 * Health of one RTCPeerConnection (a P2P link or an SFU connection): `trouble` when ICE goes
 * `disconnected` / `failed` or inbound media stops (packet counts sampled every `SAMPLE_MS`),
 * `healthy` when ICE is up and media flows again. What to do about it is `LinkRecovery`'s business.
 */
import { InboundFlow } from './inbound-flow.js';

/** How often inbound packet counts are sampled. */
const SAMPLE_MS = 250;
const UP_ICE_STATES: ReadonlySet<RTCIceConnectionState> = new Set(['connected', 'completed']);

export interface ConnectionHealthEvents {
  trouble(reason: string): void;
  healthy(): void;
}

/**
 * What counts as trouble. `sensitive` (P2P, where both ends' candidates may change): ICE
 * `disconnected` or `failed`, or stalled inbound media. `tolerant` (SFU: the server's candidates never
 * change, so a client that moved is found again by ICE itself through peer-reflexive checks, and a
 * short blip heals alone): ICE `failed`, or `disconnected` for `TOLERATED_DISCONNECTION_MS`
 * (Chrome may stay `disconnected` indefinitely rather than fail).
 */
export type TroubleSensitivity = 'sensitive' | 'tolerant';

const TOLERATED_DISCONNECTION_MS = 4000;
/**
 * `sensitive` links that have not connected this long after `start()` are in trouble too: an offer or
 * answer lost on the way (the signaling server died between storing and relaying it) would otherwise
 * leave the link waiting forever; the recovery's new connection negotiates afresh.
 */
export const SETUP_DEADLINE_MS = 10_000;

export class ConnectionHealth {
  readonly #flow = new InboundFlow();
  #timer: ReturnType<typeof setInterval> | undefined;
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  #setupTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pc: RTCPeerConnection,
    /** Whether the remote side has unmuted tracks, so that silence means a broken path. */
    private readonly expectsMedia: () => boolean,
    private readonly events: ConnectionHealthEvents,
    private readonly sensitivity: TroubleSensitivity = 'sensitive',
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.#sample(), SAMPLE_MS);
    if (this.sensitivity === 'sensitive' && this.#setupTimer === undefined) {
      this.#setupTimer = setTimeout(() => {
        if (this.pc.connectionState !== 'closed' && !UP_ICE_STATES.has(this.pc.iceConnectionState)) {
          this.events.trouble(`not connected ${SETUP_DEADLINE_MS} ms after the start`);
        }
      }, SETUP_DEADLINE_MS);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#disconnectedTimer);
    clearTimeout(this.#setupTimer);
  }

  /** To be called from the connection's `iceconnectionstatechange`. */
  iceStateChanged(state: RTCIceConnectionState): void {
    clearTimeout(this.#disconnectedTimer);
    if (UP_ICE_STATES.has(state)) clearTimeout(this.#setupTimer);
    if (state === 'failed' || (state === 'disconnected' && this.sensitivity === 'sensitive')) {
      this.events.trouble(`ICE ${state}`);
    } else if (state === 'disconnected') {
      this.#disconnectedTimer = setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.events.trouble(`ICE disconnected for ${TOLERATED_DISCONNECTION_MS} ms`);
      }, TOLERATED_DISCONNECTION_MS);
    } else if (this.isHealthy()) {
      this.events.healthy();
    }
  }

  /** ICE is up and media flows (or none is expected). */
  isHealthy(): boolean {
    if (this.pc.connectionState === 'closed' || !UP_ICE_STATES.has(this.pc.iceConnectionState)) return false;
    return this.#flow.flowing(Date.now()) || !this.expectsMedia();
  }

  async #sample(): Promise<void> {
    if (!this.expectsMedia()) return; // nothing to watch (and no stats to pay for)
    let packets = 0;
    try {
      for (const stat of (await this.pc.getStats()).values()) {
        if (stat.type === 'inbound-rtp') packets += (stat as { packetsReceived?: number }).packetsReceived ?? 0;
      }
    } catch {
      return; // closed meanwhile
    }
    if (this.pc.connectionState === 'closed') return;
    const change = this.#flow.sample(packets, Date.now(), this.expectsMedia());
    if (change === 'stalled' && this.sensitivity === 'sensitive') this.events.trouble('inbound media stopped');
    else if (change === 'resumed' && this.isHealthy()) this.events.healthy();
  }
}
