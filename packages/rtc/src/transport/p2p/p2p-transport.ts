/**
 * P2P media: one `PeerLink` per remote user in the room (1:1 calls and small meshes).
 * The joiner gets the room's users from `rtc.join` and offers to each; users already in the room
 * create their link on `rtc.peer_joined` and wait for that offer. Every published local track is
 * added to every link, including links created later.
 */
import { RCRTCCode, type RtcEvent, type RtcSignal } from '@opencall/protocol';
import type { RtcLogger } from '../../logger.js';
import type { IRCRTCStateReport } from '../../types.js';
import { EventEmitter } from '../../util/emitter.js';
import type {
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  RemoteTrackInfo,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from '../media-transport.js';
import type { RoomSignalingPort } from '../room-signaling.js';
import { SignalQueue } from '../signal-queue.js';
import { PeerLink } from './peer-link.js';

interface Peer {
  link: PeerLink;
  queue: SignalQueue;
  /** Remote tracks of this user by track id. */
  tracks: Map<string, RemoteTrackInfo>;
  /** Whether the server announced this user (join result or peer_joined), or only a signal did. */
  announced: boolean;
}

export interface P2PTransportOptions {
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  createMediaStream?: () => MediaStream;
}

export class P2PTransport extends EventEmitter<MediaTransportEvents> implements MediaTransport {
  readonly #signaling: RoomSignalingPort;
  readonly #logger: RtcLogger;
  readonly #options: P2PTransportOptions;
  readonly #peers = new Map<string, Peer>();
  readonly #published = new Map<string, LocalTrackHandle>();
  /** Published tracks currently muted by this side. */
  readonly #muted = new Set<string>();
  /** Owner-muted states received before the track itself. */
  readonly #pendingStates = new Map<string, boolean>();
  #roomId: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #left = false;

  constructor(deps: TransportDeps, options: P2PTransportOptions = {}) {
    super();
    this.setListenerErrorHandler((event, error) => deps.logger.error(`transport listener of ${event} threw`, error));
    this.#signaling = deps.signaling;
    this.#logger = deps.logger;
    this.#options = options;
  }

  async join(roomId: string): Promise<TransportJoinResult> {
    this.#roomId = roomId;
    this.#unsubscribe = this.#signaling.onRoomEvent(roomId, (event) => this.#onRoomEvent(event));
    const { code, peers } = await this.#signaling.join(roomId);
    if (code !== RCRTCCode.SUCCESS) {
      this.#unsubscribe();
      this.#unsubscribe = undefined;
      return { code, userIds: [] };
    }
    const self = this.#signaling.selfUserId();
    const userIds = [...new Set(peers.map((p) => p.userId).filter((id) => id !== self))];
    for (const userId of userIds) this.#ensurePeer(userId, true);
    return { code, userIds };
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#unsubscribe?.();
    for (const userId of [...this.#peers.keys()]) this.#dropPeer(userId, false);
    if (this.#roomId !== undefined) await this.#signaling.leave(this.#roomId);
  }

  async publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    const failed: string[] = [];
    for (const handle of tracks) {
      try {
        this.#published.set(handle.trackId, handle);
        for (const peer of this.#peers.values()) peer.link.addLocalTrack(handle);
        if (handle.muted) await this.setTrackMuted(handle.trackId, true);
        else this.#muted.delete(handle.trackId);
      } catch (error) {
        this.#logger.warn(`publish ${handle.trackId} failed`, error);
        failed.push(handle.trackId);
      }
    }
    return { code: failed.length === 0 ? RCRTCCode.SUCCESS : RCRTCCode.SOME_TRACKS_PUBLISH_FAILED, failed };
  }

  async unpublish(trackIds: string[]): Promise<{ code: number }> {
    for (const trackId of trackIds) {
      this.#published.delete(trackId);
      this.#muted.delete(trackId);
      for (const peer of this.#peers.values()) peer.link.removeLocalTrack(trackId);
    }
    return { code: RCRTCCode.SUCCESS };
  }

  /** P2P media flows as soon as the owner publishes; subscribing only gates playback in the room. */
  async subscribe(_trackIds: string[]): Promise<{ code: number; failed: string[] }> {
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unsubscribe(_trackIds: string[]): Promise<{ code: number }> {
    return { code: RCRTCCode.SUCCESS };
  }

  async setTrackMuted(trackId: string, muted: boolean): Promise<void> {
    if (muted) this.#muted.add(trackId);
    else this.#muted.delete(trackId);
    await Promise.all([...this.#peers.values()].map((peer) => peer.queue.send({ kind: 'track_state', trackId, muted })));
  }

  async setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void> {
    await Promise.all([...this.#peers.values()].map((peer) => peer.link.setMaxBitrate(trackId, maxKbps)));
  }

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    const localNames = new Map<string, string>();
    for (const handle of this.#published.values()) localNames.set(handle.track.id, handle.trackId);
    const reports = await Promise.all(
      [...this.#peers.values()].map((peer) =>
        peer.link.getStateReport(localNames).catch((error) => {
          this.#logger.debug(`getStats of ${peer.link.remoteUserId} failed`, error);
          return undefined;
        }),
      ),
    );
    return reports.filter((r): r is IRCRTCStateReport => r !== undefined);
  }

  #onRoomEvent(event: RtcEvent): void {
    if (this.#left) return;
    switch (event.type) {
      case 'rtc.peer_joined':
        if (event.userId === this.#signaling.selfUserId()) return;
        this.#onPeerJoined(event.userId);
        return;
      case 'rtc.peer_left':
        if (this.#peers.has(event.userId)) this.#dropPeer(event.userId, true);
        return;
      case 'rtc.signal':
        this.#onSignal(event.fromUserId, event.signal);
        return;
    }
  }

  #onPeerJoined(userId: string): void {
    const existing = this.#peers.get(userId);
    if (existing?.announced) this.#dropPeer(userId, false); // a rejoin (reload, other device): start over
    const peer = existing && !existing.announced ? existing : this.#ensurePeer(userId, false);
    peer.announced = true;
    this.emit('peerJoined', userId);
  }

  #onSignal(fromUserId: string, signal: RtcSignal): void {
    if (signal.kind === 'track_state') {
      const info = this.#peers.get(fromUserId)?.tracks.get(signal.trackId);
      if (info) this.emit('remoteTrackState', signal.trackId, signal.muted);
      else this.#pendingStates.set(signal.trackId, signal.muted);
      return;
    }
    // A signal may overtake the peer_joined event; its link is created here and kept.
    const peer = this.#peers.get(fromUserId) ?? this.#ensurePeer(fromUserId, false, false);
    void peer.link.handleSignal(signal);
  }

  #ensurePeer(userId: string, initiator: boolean, announced = true): Peer {
    const existing = this.#peers.get(userId);
    if (existing) return existing;
    const roomId = this.#roomId!;
    const queue = new SignalQueue(this.#signaling, roomId, userId, this.#logger);
    const link = new PeerLink({
      selfUserId: this.#signaling.selfUserId(),
      remoteUserId: userId,
      initiator,
      iceServers: this.#signaling.iceServers() as RTCIceServer[],
      send: (signal) => void queue.send(signal),
      logger: this.#logger,
      createPeerConnection: this.#options.createPeerConnection,
      createMediaStream: this.#options.createMediaStream,
    });
    const peer: Peer = { link, queue, tracks: new Map(), announced };
    this.#peers.set(userId, peer);
    link.on('iceStateChange', (state) => this.emit('iceStateChange', state, userId));
    link.on('lost', () => this.emit('connectionLost', userId));
    link.on('remoteTrack', (tag, kind, track) => {
      const trackId = `${userId}_${tag}_${kind}`;
      if (!peer.tracks.has(trackId)) {
        const muted = this.#pendingStates.get(trackId) ?? false;
        this.#pendingStates.delete(trackId);
        const info: RemoteTrackInfo = { userId, tag, kind, trackId, muted };
        peer.tracks.set(trackId, info);
        this.emit('remoteTrackPublished', info);
      }
      this.emit('remoteTrackMedia', trackId, track);
    });
    link.on('remoteTrackRemoved', (tag, kind) => {
      const trackId = `${userId}_${tag}_${kind}`;
      const info = peer.tracks.get(trackId);
      if (!info) return;
      peer.tracks.delete(trackId);
      this.emit('remoteTrackUnpublished', info);
    });
    link.start();
    for (const handle of this.#published.values()) {
      link.addLocalTrack(handle);
      if (this.#muted.has(handle.trackId)) void queue.send({ kind: 'track_state', trackId: handle.trackId, muted: true });
    }
    return peer;
  }

  #dropPeer(userId: string, announce: boolean): void {
    const peer = this.#peers.get(userId);
    if (!peer) return;
    this.#peers.delete(userId);
    peer.queue.close();
    peer.link.clear();
    peer.link.close();
    for (const info of peer.tracks.values()) this.emit('remoteTrackUnpublished', info);
    if (announce) this.emit('peerLeft', userId);
  }
}
