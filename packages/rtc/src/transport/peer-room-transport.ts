/**
 * What the P2P and fake transports share: a room on our server, one peer per remote user with its
 * own ordered signal queue, the local published/muted book, owner mute states (also those that arrive
 * before their track), and the room events. Subclasses make and release peers and handle the
 * `description` / `candidate` signals.
 */
import { RCRTCCode, type RtcEvent, type RtcSignal, SafeEmitter } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type {
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  RemoteTrackInfo,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from './media-transport.js';
import type { RoomSignalingPort } from './room-signaling.js';
import { SignalQueue } from './signal-queue.js';

export interface RoomPeer {
  queue: SignalQueue;
  /** Remote tracks of this user by track id. */
  tracks: Map<string, RemoteTrackInfo>;
  /** Whether the server announced this user (join result or peer_joined), or only a signal did. */
  announced: boolean;
}

export abstract class PeerRoomTransport<P extends RoomPeer> extends SafeEmitter<MediaTransportEvents> implements MediaTransport {
  protected readonly signaling: RoomSignalingPort;
  protected readonly logger: RtcLogger;
  protected readonly peers = new Map<string, P>();
  protected readonly published = new Map<string, LocalTrackHandle>();
  /** Published tracks currently muted by this side. */
  protected readonly muted = new Set<string>();
  /** Remote tracks currently muted by their owners. */
  protected readonly remoteMuted = new Set<string>();
  /** Owner-muted states received before the track itself. */
  readonly #pendingStates = new Map<string, boolean>();
  protected roomId: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #left = false;

  constructor(deps: TransportDeps) {
    super();
    this.setListenerErrorHandler((event, error) => deps.logger.error(`transport listener of ${event} threw`, error));
    this.signaling = deps.signaling;
    this.logger = deps.logger;
  }

  /** A peer for `userId`; `initiator`: this side joined after it and makes the first offer. */
  protected abstract createPeer(userId: string, queue: SignalQueue, initiator: boolean, announced: boolean): P;
  /** The peer leaves the room (its queue is already closed). */
  protected abstract releasePeer(userId: string, peer: P): void;
  /** A `description` or `candidate` signal from `fromUserId`. */
  protected abstract onMediaSignal(fromUserId: string, signal: Exclude<RtcSignal, { kind: 'track_state' }>): void;
  abstract publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult>;
  abstract unpublish(trackIds: string[]): Promise<{ code: number }>;
  abstract setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void>;
  abstract getStateReports(): ReturnType<MediaTransport['getStateReports']>;

  async join(roomId: string): Promise<TransportJoinResult> {
    this.roomId = roomId;
    this.#unsubscribe = this.signaling.onRoomEvent(roomId, (event) => this.#onRoomEvent(event));
    const { code, peers } = await this.signaling.join(roomId);
    if (code !== RCRTCCode.SUCCESS) {
      this.#unsubscribe();
      this.#unsubscribe = undefined;
      return { code, userIds: [] };
    }
    const self = this.signaling.selfUserId();
    const userIds = [...new Set(peers.map((p) => p.userId).filter((id) => id !== self))];
    for (const userId of userIds) this.ensurePeer(userId, true, true);
    return { code, userIds };
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#unsubscribe?.();
    for (const userId of [...this.peers.keys()]) this.dropPeer(userId, false);
    if (this.roomId !== undefined) await this.signaling.leave(this.roomId);
  }

  /** Media flows as soon as the owner publishes; subscribing only gates playback in the room. */
  async subscribe(_trackIds: string[]): Promise<{ code: number; failed: string[] }> {
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unsubscribe(_trackIds: string[]): Promise<{ code: number }> {
    return { code: RCRTCCode.SUCCESS };
  }

  async setTrackMuted(trackId: string, muted: boolean): Promise<void> {
    if (muted) this.muted.add(trackId);
    else this.muted.delete(trackId);
    await Promise.all([...this.peers.values()].map((peer) => peer.queue.send({ kind: 'track_state', trackId, muted })));
  }

  /** The owner-muted state a new remote track starts with (one that arrived before it, else `fallback`). */
  protected takePendingState(trackId: string, fallback: boolean): boolean {
    const muted = this.#pendingStates.get(trackId) ?? fallback;
    this.#pendingStates.delete(trackId);
    return muted;
  }

  protected ensurePeer(userId: string, initiator: boolean, announced: boolean): P {
    const existing = this.peers.get(userId);
    if (existing) return existing;
    const peer = this.createPeer(userId, new SignalQueue(this.signaling, this.roomId!, userId, this.logger), initiator, announced);
    this.peers.set(userId, peer);
    return peer;
  }

  protected dropPeer(userId: string, announce: boolean): void {
    const peer = this.peers.get(userId);
    if (!peer) return;
    this.peers.delete(userId);
    peer.queue.close();
    this.releasePeer(userId, peer);
    for (const info of peer.tracks.values()) this.emit('remoteTrackUnpublished', info);
    if (announce) this.emit('peerLeft', userId);
  }

  #onRoomEvent(event: RtcEvent): void {
    if (this.#left) return;
    switch (event.type) {
      case 'rtc.peer_joined':
        if (event.userId !== this.signaling.selfUserId()) this.#onPeerJoined(event.userId);
        return;
      case 'rtc.peer_left':
        this.dropPeer(event.userId, true);
        return;
      case 'rtc.signal':
        if (event.signal.kind === 'track_state') this.#onTrackState(event.fromUserId, event.signal.trackId, event.signal.muted);
        // A signal may overtake the peer_joined event: the peer is created here and kept.
        else this.onMediaSignal(event.fromUserId, event.signal);
        return;
    }
  }

  #onPeerJoined(userId: string): void {
    const existing = this.peers.get(userId);
    if (existing?.announced) this.dropPeer(userId, false); // a rejoin (reload, other device): start over
    const peer = existing && !existing.announced ? existing : this.ensurePeer(userId, false, true);
    peer.announced = true;
    this.emit('peerJoined', userId);
  }

  #onTrackState(fromUserId: string, trackId: string, muted: boolean): void {
    if (muted) this.remoteMuted.add(trackId);
    else this.remoteMuted.delete(trackId);
    if (this.peers.get(fromUserId)?.tracks.has(trackId)) this.emit('remoteTrackState', trackId, muted);
    else this.#pendingStates.set(trackId, muted);
  }
}
