/**
 * P2P media: one `PeerLink` per remote user in the room (1:1 calls and small meshes).
 * The joiner gets the room's users from `rtc.join` and offers to each; users already in the room
 * create their link on `rtc.peer_joined` and wait for that offer. Every published local track is
 * added to every link, including links created later.
 *
 * Recovery (one `LinkRecovery` per peer): ICE restarts first; if they do not bring media back, the
 * link is replaced by a new RTCPeerConnection (`relink` signal, next generation; the remote replaces
 * its own and answers), a bounded number of times; then the link is reported lost. Remote tracks
 * survive a relink: their new media arrives as `remoteTrackMedia` for the same track ids.
 */
import { type IceServer, RCRTCCode, type RtcSignal } from '@opencall/protocol';
import type { IRCRTCStateReport } from '../../types.js';
import type {
  LeaveOptions,
  LocalTrackHandle,
  RemoteTrackInfo,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from '../media-transport.js';
import { PeerRoomTransport, type RoomPeer } from '../peer-room-transport.js';
import type { PeerSignalChannel } from '../peer-signal-channel.js';
import { LinkRecovery, type LinkRecoveryPolicy } from '../recovery/link-recovery.js';
import { PeerLink } from './peer-link.js';

/** How long the polite side waits for the impolite side's relink before relinking itself. */
const POLITE_RELINK_DELAY_MS = 600;

interface Peer extends RoomPeer {
  link: PeerLink;
  recovery: LinkRecovery;
}

export interface P2PTransportOptions {
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  createMediaStream?: () => MediaStream;
  /** Recovery timing and bounds (default `DEFAULT_RECOVERY_POLICY`). */
  recoveryPolicy?: LinkRecoveryPolicy;
}

export class P2PTransport extends PeerRoomTransport<Peer> {
  readonly #options: P2PTransportOptions;
  /** Send caps of published tracks (kbps), by track id. */
  readonly #maxKbps = new Map<string, number>();
  #offIceServers: (() => void) | undefined;

  constructor(deps: TransportDeps, options: P2PTransportOptions = {}) {
    super(deps);
    this.#options = options;
  }

  /** Joins, and from then on gives every live link the fresh ICE servers the server sends. */
  override async join(roomId: string): Promise<TransportJoinResult> {
    this.#offIceServers ??= this.signaling.onIceServersChange((iceServers) => this.#applyIceServers(iceServers));
    const result = await super.join(roomId);
    if (result.code !== RCRTCCode.SUCCESS) this.#stopIceServers();
    return result;
  }

  override async leave(options?: LeaveOptions): Promise<void> {
    this.#stopIceServers();
    await super.leave(options);
  }

  #applyIceServers(iceServers: IceServer[]): void {
    for (const peer of this.peers.values()) peer.link.setIceServers(iceServers as RTCIceServer[]);
  }

  #stopIceServers(): void {
    this.#offIceServers?.();
    this.#offIceServers = undefined;
  }

  async publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    const failed: string[] = [];
    for (const handle of tracks) {
      try {
        this.published.set(handle.trackId, handle);
        for (const peer of this.peers.values()) peer.link.addLocalTrack(handle);
        if (handle.muted) await this.setTrackMuted(handle.trackId, true);
        else this.states.setLocalMuted(handle.trackId, false);
      } catch (error) {
        this.logger.warn(`publish ${handle.trackId} failed`, error);
        failed.push(handle.trackId);
      }
    }
    return { code: failed.length === 0 ? RCRTCCode.SUCCESS : RCRTCCode.SOME_TRACKS_PUBLISH_FAILED, failed };
  }

  async unpublish(trackIds: string[]): Promise<{ code: number }> {
    for (const trackId of trackIds) {
      this.published.delete(trackId);
      this.states.forgetLocal(trackId);
      this.#maxKbps.delete(trackId);
      for (const peer of this.peers.values()) peer.link.removeLocalTrack(trackId);
    }
    return { code: RCRTCCode.SUCCESS };
  }

  /**
   * Caps are kept and applied again each time a link connects: a sender may not be negotiated yet
   * when the cap is set, and new links (later peers, relinks) start uncapped.
   */
  async setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void> {
    if (maxKbps === undefined) this.#maxKbps.delete(trackId);
    else this.#maxKbps.set(trackId, maxKbps);
    await Promise.all([...this.peers.values()].map((peer) => peer.link.setMaxBitrate(trackId, maxKbps)));
  }

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    const localNames = new Map<string, string>();
    for (const handle of this.published.values()) localNames.set(handle.track.id, handle.trackId);
    const reports = await Promise.all(
      [...this.peers.values()].map((peer) =>
        peer.link.getStateReport(localNames).catch((error) => {
          this.logger.debug(`getStats of ${peer.link.remoteUserId} failed`, error);
          return undefined;
        }),
      ),
    );
    return reports.filter((r): r is IRCRTCStateReport => r !== undefined);
  }

  protected onMediaSignal(fromUserId: string, signal: Exclude<RtcSignal, { kind: 'track_state' }>): void {
    const peer = this.peers.get(fromUserId) ?? this.ensurePeer(fromUserId, false, false);
    if (signal.kind === 'relink') {
      if (signal.generation <= peer.link.generation) return; // ours crossed it, or an old one
      this.logger.warn(`P2P ${fromUserId}: the remote replaced the connection (generation ${signal.generation})`);
      this.#replaceLink(fromUserId, peer, signal.generation, false);
      peer.recovery.remoteRelinked();
      return;
    }
    // Signals of a replaced connection are dropped.
    if ((signal.generation ?? 0) === peer.link.generation) void peer.link.handleSignal(signal);
  }

  protected createPeer(userId: string, signals: PeerSignalChannel, initiator: boolean, announced: boolean): Peer {
    const peer = { signals, tracks: new Map(), announced } as Omit<Peer, 'link' | 'recovery'> as Peer;
    peer.recovery = new LinkRecovery(
      {
        restartIce: () => peer.link.restartIce(),
        relink: () => {
          if (!peer.link.polite) {
            this.#relink(userId, peer);
            return;
          }
          // Both sides usually see the trouble at once: the impolite one relinks, the polite one gives
          // it a moment, so that two new connections do not cross (their glare can lose candidates).
          const generation = peer.link.generation;
          setTimeout(() => {
            if (this.peers.get(userId) === peer && peer.link.generation === generation) this.#relink(userId, peer);
          }, POLITE_RELINK_DELAY_MS);
        },
        recovered: () => void peer.link.refreshKeyFrames(),
        giveUp: () => this.emit('connectionLost', userId),
        isHealthy: () => peer.link.isHealthy(),
        log: (message) => this.logger.warn(`P2P ${userId}: ${message}`),
      },
      this.#options.recoveryPolicy,
    );
    peer.link = this.#createLink(userId, peer, 0, initiator);
    return peer;
  }

  /** Our relink: the remote is told first, then the new connection offers. */
  #relink(userId: string, peer: Peer): void {
    const generation = peer.link.generation + 1;
    void peer.signals.send({ kind: 'relink', generation });
    this.#replaceLink(userId, peer, generation, true);
  }

  /** A new connection to `userId` replaces the current one (a relink, ours or the remote's). */
  #replaceLink(userId: string, peer: Peer, generation: number, initiator: boolean): void {
    peer.link.clear();
    peer.link.close();
    peer.link = this.#createLink(userId, peer, generation, initiator);
  }

  #createLink(userId: string, peer: Peer, generation: number, initiator: boolean): PeerLink {
    const link = new PeerLink({
      selfUserId: this.signaling.selfUserId(),
      remoteUserId: userId,
      initiator,
      generation,
      expectsMedia: () => [...peer.tracks.keys()].some((trackId) => !this.states.isRemoteMuted(trackId)),
      iceServers: this.signaling.iceServers() as RTCIceServer[],
      send: (signal) => void peer.signals.send(signal),
      logger: this.logger,
      createPeerConnection: this.#options.createPeerConnection,
      createMediaStream: this.#options.createMediaStream,
    });
    link.on('iceStateChange', (state) => this.emit('iceStateChange', state, userId));
    link.on('stateChange', (state) => {
      if (state !== 'connected') return;
      for (const [trackId, maxKbps] of this.#maxKbps) void link.setMaxBitrate(trackId, maxKbps).catch(() => undefined);
    });
    link.on('trouble', (reason) => peer.recovery.trouble(reason));
    link.on('healthy', () => peer.recovery.healthy());
    link.on('remoteTrack', (tag, kind, track) => {
      const trackId = `${userId}_${tag}_${kind}`;
      if (!peer.tracks.has(trackId)) {
        const info: RemoteTrackInfo = { userId, tag, kind, trackId, muted: this.states.takePending(trackId, false) };
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
    for (const handle of this.published.values()) {
      link.addLocalTrack(handle);
      if (generation === 0 && this.states.isLocalMuted(handle.trackId)) {
        void peer.signals.send({ kind: 'track_state', trackId: handle.trackId, muted: true });
      }
    }
    return link;
  }

  protected releasePeer(_userId: string, peer: Peer): void {
    peer.recovery.close();
    peer.link.clear();
    peer.link.close();
  }
}
