/**
 * One RTCPeerConnection to the SFU: the publisher (we offer) or one subscription (the SFU offers).
 * Local candidates go to the server as `sfu.trickle`, in order, once released; remote candidates that arrive before the
 * remote description are held until it is set.
 */
import type { RtcLogger } from '../../logger.js';
import type { IRCRTCStateReport } from '../../types.js';
import { applyIceServers } from '../ice-servers.js';
import type { IceState } from '../media-transport.js';
import { ConnectionHealth, type ConnectionHealthEvents } from '../recovery/connection-health.js';
import type { IceCandidate } from '../room-signaling.js';
import type { SignalQueue } from '../signal-queue.js';
import { buildStateReport, type StatsSnapshot, toRawStats } from '../stats/state-report.js';

export interface SfuConnectionOptions {
  /** `publisher` or the feed owner's user id. */
  name: string;
  config: RTCConfiguration;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  /** This connection's requests to the server, in order (closed with the connection). */
  queue: SignalQueue;
  /** Where its local candidates go, in order: `queue`, or a queue of their own (closed with the connection too). */
  candidateQueue: SignalQueue;
  /** Sends a local candidate (`null` = gathering complete) on `candidateQueue`. */
  sendCandidate: (candidate: IceCandidate | null) => void;
  onIceState: (state: IceState) => void;
  /** Whether media should be arriving on this connection (subscriptions to unmuted tracks). */
  expectsMedia: () => boolean;
  /** `trouble` / `healthy` of this connection (see `ConnectionHealth`). */
  health: ConnectionHealthEvents;
  logger: RtcLogger;
}

export class SfuConnection {
  readonly pc: RTCPeerConnection;
  readonly name: string;
  /** This connection's requests to the server (`sfu.*`), in order, retried while the IM link is down. */
  readonly queue: SignalQueue;
  /** MediaStreamTrack id → RTCLib track id of received tracks. */
  readonly remoteNames = new Map<string, string>();
  readonly #pendingRemote: (RTCIceCandidateInit | null)[] = [];
  /** Local candidates are held until the SFU knows this connection (after publish / subscribe). */
  #pendingLocal: (IceCandidate | null)[] | undefined = [];
  #snapshot: StatsSnapshot | undefined;
  readonly #options: SfuConnectionOptions;
  readonly #health: ConnectionHealth;

  constructor(options: SfuConnectionOptions) {
    this.#options = options;
    this.name = options.name;
    this.queue = options.queue;
    this.pc = options.createPeerConnection(options.config);
    this.pc.onicecandidate = (event) => {
      const c = event.candidate;
      const candidate = c?.candidate ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null } : null;
      if (this.#pendingLocal) this.#pendingLocal.push(candidate);
      else options.sendCandidate(candidate);
    };
    this.#health = new ConnectionHealth(this.pc, options.expectsMedia, options.health, 'tolerant');
    this.pc.oniceconnectionstatechange = () => {
      options.onIceState(this.pc.iceConnectionState as IceState);
      this.#health.iceStateChanged(this.pc.iceConnectionState);
    };
    this.#health.start();
  }

  isHealthy(): boolean {
    return this.#health.isHealthy();
  }

  /** Fresh ICE servers (new TURN credentials), used from the next gathering on. */
  setIceServers(iceServers: RTCIceServer[]): void {
    applyIceServers(this.pc, iceServers, this.#options.logger, `SFU ${this.name}`);
  }

  /** The SFU has this connection now: send the held local candidates. */
  releaseLocalCandidates(): void {
    const pending = this.#pendingLocal;
    this.#pendingLocal = undefined;
    for (const candidate of pending ?? []) this.#options.sendCandidate(candidate);
  }

  async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    for (const candidate of this.#pendingRemote.splice(0)) await this.#add(candidate);
  }

  async addRemoteCandidate(candidate: IceCandidate | null): Promise<void> {
    const init: RTCIceCandidateInit | null = candidate && {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    };
    if (!this.pc.remoteDescription) this.#pendingRemote.push(init);
    else await this.#add(init);
  }

  async #add(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      this.#options.logger.debug('SFU candidate', error);
    }
  }

  async stateReport(localNames: ReadonlyMap<string, string>): Promise<IRCRTCStateReport | undefined> {
    if (this.pc.signalingState === 'closed') return undefined;
    const raw = toRawStats(await this.pc.getStats());
    const { report, snapshot } = buildStateReport(
      raw,
      this.#snapshot,
      { local: localNames, remote: this.remoteNames },
      this.name,
      Date.now(),
    );
    this.#snapshot = snapshot;
    return report;
  }

  close(): void {
    this.queue.close();
    this.#options.candidateQueue.close();
    this.#health.stop();
    this.pc.onicecandidate = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
  }
}
