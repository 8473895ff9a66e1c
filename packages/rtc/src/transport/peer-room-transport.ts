/**
 * What the P2P and fake transports share: a room on our server, one peer per remote user with its
 * own ordered, retried signal channel, the published tracks, the room's owner mute states
 * (`TrackStateBook`, shared with the SFU transport), and the room events. Subclasses make and release
 * peers and handle the `description` / `candidate` / `relink` signals.
 */
import { RCRTCCode, type RtcSignal, SafeEmitter } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type {
  LeaveOptions,
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  RemoteTrackInfo,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from './media-transport.js';
import { PeerSignalChannel } from './peer-signal-channel.js';
import type { RoomMediaEvent, RoomSignalingPort } from './room-signaling.js';
import { TrackStateBook } from './track-state-book.js';

export interface RoomPeer {
  signals: PeerSignalChannel;
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
  /** Owner mute states, ours and the remote users'. */
  protected readonly states = new TrackStateBook();
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
  protected abstract createPeer(userId: string, signals: PeerSignalChannel, initiator: boolean, announced: boolean): P;
  /** The peer leaves the room (its signal channel is already closed). */
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

  async leave(options?: LeaveOptions): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#unsubscribe?.();
    for (const userId of [...this.peers.keys()]) this.dropPeer(userId, false);
    if (this.roomId !== undefined && options?.serverLeft !== true) await this.signaling.leave(this.roomId);
  }

  /** Media flows as soon as the owner publishes; subscribing only gates playback in the room. */
  async subscribe(_trackIds: string[]): Promise<{ code: number; failed: string[] }> {
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unsubscribe(_trackIds: string[]): Promise<{ code: number }> {
    return { code: RCRTCCode.SUCCESS };
  }

  async setTrackMuted(trackId: string, muted: boolean): Promise<void> {
    this.states.setLocalMuted(trackId, muted);
    await Promise.all([...this.peers.values()].map((peer) => peer.signals.send({ kind: 'track_state', trackId, muted })));
  }

  protected ensurePeer(userId: string, initiator: boolean, announced: boolean): P {
    const existing = this.peers.get(userId);
    if (existing) return existing;
    const peer = this.createPeer(userId, new PeerSignalChannel(this.signaling, this.roomId!, userId, this.logger), initiator, announced);
    this.peers.set(userId, peer);
    return peer;
  }

  protected dropPeer(userId: string, announce: boolean): void {
    const peer = this.peers.get(userId);
    if (!peer) return;
    this.peers.delete(userId);
    peer.signals.close();
    this.releasePeer(userId, peer);
    for (const info of peer.tracks.values()) this.emit('remoteTrackUnpublished', info);
    if (announce) this.emit('peerLeft', userId);
  }

  #onRoomEvent(event: RoomMediaEvent): void {
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
      default:
        return; // `sfu.*`: not a peer-to-peer room
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
    const known = this.peers.get(fromUserId)?.tracks.has(trackId) ?? false;
    if (this.states.remoteStateArrived(trackId, muted, known)) this.emit('remoteTrackState', trackId, muted);
  }
}
