/**
 * Media transport for Node: no RTCPeerConnection, no media. It speaks the same server signaling
 * as the P2P transport (`rtc.join`, `rtc.signal`), but each "SDP" only carries the sender's
 * published track list (see fake-sdp.ts), so call logic runs end to end against a real server.
 * Every description announces the sender's full list; an offer is answered with the receiver's.
 */
import { RCRTCCode, type RtcEvent, type RtcSignal } from '@opencall/protocol';
import type { RtcLogger } from '../../logger.js';
import { FakeMediaTrack } from '../../media/fake-media.js';
import type { IRCRTCStateReport, IRCTrackStat } from '../../types.js';
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
import { decodeFakeSdp, encodeFakeSdp, type FakeTrackEntry } from './fake-sdp.js';

interface FakePeer {
  queue: SignalQueue;
  tracks: Map<string, RemoteTrackInfo>;
  connected: boolean;
  /** Whether the server announced this user (join result or peer_joined), or only a signal did. */
  announced: boolean;
}

export class FakeTransport extends EventEmitter<MediaTransportEvents> implements MediaTransport {
  readonly #signaling: RoomSignalingPort;
  readonly #logger: RtcLogger;
  readonly #peers = new Map<string, FakePeer>();
  readonly #published = new Map<string, LocalTrackHandle>();
  readonly #muted = new Set<string>();
  readonly #pendingStates = new Map<string, boolean>();
  #roomId: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #left = false;

  constructor(deps: TransportDeps) {
    super();
    this.setListenerErrorHandler((event, error) => deps.logger.error(`transport listener of ${event} threw`, error));
    this.#signaling = deps.signaling;
    this.#logger = deps.logger;
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
    for (const userId of userIds) this.#announce(this.#ensurePeer(userId), 'offer');
    return { code, userIds };
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#unsubscribe?.();
    this.#peers.clear();
    if (this.#roomId !== undefined) await this.#signaling.leave(this.#roomId);
  }

  async publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    for (const handle of tracks) {
      this.#published.set(handle.trackId, handle);
      if (handle.muted) this.#muted.add(handle.trackId);
      else this.#muted.delete(handle.trackId);
    }
    await this.#announceToAll();
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unpublish(trackIds: string[]): Promise<{ code: number }> {
    for (const trackId of trackIds) {
      this.#published.delete(trackId);
      this.#muted.delete(trackId);
    }
    await this.#announceToAll();
    return { code: RCRTCCode.SUCCESS };
  }

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

  async setMaxBitrate(): Promise<void> {}

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    const stat = (trackId: string, kind: 'audio' | 'video', remoteResource: boolean): IRCTrackStat => ({
      trackId,
      kind,
      packetsLostRate: 0,
      remoteResource,
      bitrate: 0,
      jitter: 0,
    });
    const senders = [...this.#published.values()].map((h) => stat(h.trackId, h.kind, false));
    return [...this.#peers.entries()].map(([userId, peer]) => ({
      pcName: userId,
      timestamp: Date.now(),
      senders,
      receivers: [...peer.tracks.values()].map((t) => stat(t.trackId, t.kind, true)),
    }));
  }

  #onRoomEvent(event: RtcEvent): void {
    if (this.#left) return;
    switch (event.type) {
      case 'rtc.peer_joined':
        if (event.userId === this.#signaling.selfUserId()) return;
        this.#onPeerJoined(event.userId);
        return;
      case 'rtc.peer_left':
        this.#dropPeer(event.userId, true);
        return;
      case 'rtc.signal':
        this.#onSignal(event.fromUserId, event.signal);
        return;
    }
  }

  #onPeerJoined(userId: string): void {
    const existing = this.#peers.get(userId);
    if (existing?.announced) this.#dropPeer(userId, false); // a rejoin: start over
    const peer = existing && !existing.announced ? existing : this.#ensurePeer(userId);
    peer.announced = true;
    this.emit('peerJoined', userId);
  }

  #onSignal(fromUserId: string, signal: RtcSignal): void {
    if (signal.kind === 'candidate') return;
    if (signal.kind === 'track_state') {
      if (this.#peers.get(fromUserId)?.tracks.has(signal.trackId)) this.emit('remoteTrackState', signal.trackId, signal.muted);
      else this.#pendingStates.set(signal.trackId, signal.muted);
      return;
    }
    const entries = decodeFakeSdp(signal.description.sdp);
    if (!entries) {
      this.#logger.warn(`fake transport: ${fromUserId} sent a description that is not fake SDP`);
      return;
    }
    // A signal may overtake the peer_joined event; the peer is created here and kept.
    const peer = this.#peers.get(fromUserId) ?? this.#ensurePeer(fromUserId, false);
    if (!peer.connected) {
      peer.connected = true;
      this.emit('iceStateChange', 'checking', fromUserId);
      this.emit('iceStateChange', 'connected', fromUserId);
    }
    this.#applyRemoteList(fromUserId, peer, entries);
    if (signal.description.type === 'offer') this.#announce(peer, 'answer');
  }

  #applyRemoteList(userId: string, peer: FakePeer, entries: FakeTrackEntry[]): void {
    const listed = new Map(entries.map((e) => [`${userId}_${e.tag}_${e.kind}`, e]));
    for (const [trackId, info] of [...peer.tracks]) {
      if (listed.has(trackId)) continue;
      peer.tracks.delete(trackId);
      this.emit('remoteTrackUnpublished', info);
    }
    for (const [trackId, entry] of listed) {
      const known = peer.tracks.get(trackId);
      if (known) {
        if (known.muted !== entry.muted) {
          peer.tracks.set(trackId, { ...known, muted: entry.muted });
          this.emit('remoteTrackState', trackId, entry.muted);
        }
        continue;
      }
      const muted = this.#pendingStates.get(trackId) ?? entry.muted;
      this.#pendingStates.delete(trackId);
      const info: RemoteTrackInfo = { userId, tag: entry.tag, kind: entry.kind, trackId, muted };
      peer.tracks.set(trackId, info);
      this.emit('remoteTrackPublished', info);
      this.emit('remoteTrackMedia', trackId, new FakeMediaTrack(entry.kind, `remote ${trackId}`));
    }
  }

  #localList(): FakeTrackEntry[] {
    return [...this.#published.values()].map((h) => ({ tag: h.tag, kind: h.kind, trackId: h.trackId, muted: this.#muted.has(h.trackId) }));
  }

  #announce(peer: FakePeer, type: 'offer' | 'answer'): Promise<void> {
    return peer.queue.send({ kind: 'description', description: { type, sdp: encodeFakeSdp(this.#localList()) } });
  }

  async #announceToAll(): Promise<void> {
    await Promise.all([...this.#peers.values()].map((peer) => this.#announce(peer, 'offer')));
  }

  #ensurePeer(userId: string, announced = true): FakePeer {
    let peer = this.#peers.get(userId);
    if (!peer) {
      const queue = new SignalQueue(this.#signaling, this.#roomId!, userId, this.#logger);
      peer = { queue, tracks: new Map(), connected: false, announced };
      this.#peers.set(userId, peer);
    }
    return peer;
  }

  #dropPeer(userId: string, announce: boolean): void {
    const peer = this.#peers.get(userId);
    if (!peer) return;
    this.#peers.delete(userId);
    peer.queue.close();
    for (const info of peer.tracks.values()) this.emit('remoteTrackUnpublished', info);
    if (peer.connected) this.emit('iceStateChange', 'closed', userId);
    if (announce) this.emit('peerLeft', userId);
  }
}
