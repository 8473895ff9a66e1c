/**
 * Media through the server's SFU (group calls): one publisher PeerConnection carrying every local
 * track, one subscriber PeerConnection per remote feed. All signaling goes through the signaling port
 * (`sfu.*` requests; browsers never talk to Janus), on the same retrying queues as P2P: one per
 * connection (publish, subscribe, start and trickle in order) and one per remote user for track
 * states (`rtc.signal`) — so nothing is lost to an IM link blip.
 *
 * A remote user's tracks are announced when their media arrives on the subscription, as in P2P.
 *
 * Recovery (one `LinkRecovery` per connection): the publisher restarts ICE (a renegotiation with new
 * credentials), then starts over with a new connection (`sfu.publish` with `fresh`); a subscription is
 * made anew (new SFU handle, same remote tracks). Bounded; then the connection is reported lost.
 */

import { RCRTCCode, type RtcSignal, SafeEmitter } from '@opencall/protocol';
import { RCTag, type TrackKind, trackIdOf } from '../../ids.js';
import type { RtcLogger } from '../../logger.js';
import type { IRCRTCStateReport } from '../../types.js';
import type {
  LeaveOptions,
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  RemoteTrackInfo,
  TransportJoinResult,
  TransportPublishResult,
} from '../media-transport.js';
import { PeerSignalChannel } from '../peer-signal-channel.js';
import { LinkRecovery, type LinkRecoveryPolicy } from '../recovery/link-recovery.js';
import type { IceCandidate, RoomMediaEvent, RoomSignalingPort } from '../room-signaling.js';
import { applyMaxBitrate, refreshKeyFrame } from '../sender-bitrate.js';
import { DEFAULT_SIGNAL_RETRY, SignalQueue, type SignalRetryPolicy } from '../signal-queue.js';
import { TrackStateBook } from '../track-state-book.js';
import { SfuConnection } from './sfu-connection.js';

export interface SfuTransportOptions {
  signaling: RoomSignalingPort;
  logger: RtcLogger;
  roomId: string;
  /** Users already in the room (from `rtc.join`). */
  peers: string[];
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  /** Recovery timing and bounds (default `SFU_RECOVERY_POLICY`). */
  recoveryPolicy?: LinkRecoveryPolicy | undefined;
  /** How long requests wait for the IM link (default `DEFAULT_SIGNAL_RETRY`). */
  signalRetry?: SignalRetryPolicy | undefined;
}

interface Subscription {
  connection: SfuConnection;
  tracks: Map<string, RemoteTrackInfo>;
}

const PUBLISHER = 'publisher';

/**
 * Slower than P2P's: it only starts after ICE was `disconnected` for 4 s, and the SFU's address never
 * changes, so patience pays — a new publisher connection makes every subscriber start over.
 */
export const SFU_RECOVERY_POLICY: LinkRecoveryPolicy = { restartWindowMs: 4000, maxRestarts: 2, relinkWindowMs: 8000, maxRelinks: 3 };

export class SfuTransport extends SafeEmitter<MediaTransportEvents> implements MediaTransport {
  readonly #o: SfuTransportOptions;
  readonly #peers: Set<string>;
  /** Published tracks: their sender on the publisher connection and their send cap (kbps). */
  readonly #published = new Map<string, { handle: LocalTrackHandle; sender: RTCRtpSender; maxKbps?: number | undefined }>();
  /** Recovery of each connection, by connection name (`publisher` or the feed owner's user id). */
  readonly #recoveries = new Map<string, LinkRecovery>();
  /** Owner mute states, ours and the remote users'. */
  readonly #states = new TrackStateBook();
  readonly #subscriptions = new Map<string, Subscription>();
  /** SFU candidates for a connection not made yet, by connection name. */
  readonly #pendingCandidates = new Map<string, (IceCandidate | null)[]>();
  /** Track states to each remote user, in order and retried. */
  readonly #peerSignals = new Map<string, PeerSignalChannel>();
  #publisher: SfuConnection | undefined;
  /** A key frame being made (`sfu.key_frame`), and whether another was asked for meanwhile. */
  readonly #keyFrame = { running: false, again: false };
  /** Publisher negotiations, one at a time. */
  #negotiation: Promise<unknown> = Promise.resolve();
  #left = false;
  readonly #offIceServers: () => void;

  constructor(options: SfuTransportOptions) {
    super();
    this.setListenerErrorHandler((event, error) => options.logger.error(`transport listener of ${event} threw`, error));
    this.#o = options;
    this.#peers = new Set(options.peers);
    // Fresh TURN credentials go to every live connection; new ones read them in `#config()`.
    this.#offIceServers = options.signaling.onIceServersChange((iceServers) => {
      for (const connection of this.#connections()) connection.setIceServers(iceServers as RTCIceServer[]);
    });
  }

  /** Already joined by the selecting transport: reports the users in the room. */
  async join(_roomId: string): Promise<TransportJoinResult> {
    return { code: RCRTCCode.SUCCESS, userIds: [...this.#peers] };
  }

  /** Room events (`rtc.*`, `sfu.*`) of this room, in order. */
  handleEvent(event: RoomMediaEvent): void {
    if (this.#left) return;
    const self = this.#o.signaling.selfUserId();
    switch (event.type) {
      case 'rtc.peer_joined':
        if (event.userId === self) return;
        this.#peers.add(event.userId);
        this.emit('peerJoined', event.userId);
        for (const [trackId] of this.#published) {
          if (this.#states.isLocalMuted(trackId)) void this.#sendState(event.userId, trackId, true);
        }
        return;
      case 'rtc.peer_left':
        this.#peers.delete(event.userId);
        this.#peerSignals.get(event.userId)?.close();
        this.#peerSignals.delete(event.userId);
        this.#dropSubscription(event.userId);
        this.emit('peerLeft', event.userId);
        return;
      case 'rtc.signal':
        if (event.signal.kind === 'track_state') this.#onTrackState(event.signal.trackId, event.signal.muted);
        return;
      case 'sfu.feed':
        if (event.userId !== self) void this.#subscribeTo(event.userId);
        return;
      case 'sfu.feed_gone':
        this.#dropSubscription(event.userId);
        return;
      case 'sfu.key_frame':
        void this.#sendKeyFrames();
        return;
      case 'sfu.trickle': {
        const name = event.feedUserId ?? PUBLISHER;
        const connection = name === PUBLISHER ? this.#publisher : this.#subscriptions.get(name)?.connection;
        if (connection) void connection.addRemoteCandidate(event.candidate);
        else this.#pendingCandidates.set(name, [...(this.#pendingCandidates.get(name) ?? []), event.candidate]);
        return;
      }
    }
  }

  async leave(options?: LeaveOptions): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#offIceServers();
    for (const recovery of this.#recoveries.values()) recovery.close();
    this.#recoveries.clear();
    this.#publisher?.close();
    for (const userId of [...this.#subscriptions.keys()]) this.#dropSubscription(userId);
    for (const channel of this.#peerSignals.values()) channel.close();
    this.#peerSignals.clear();
    if (options?.serverLeft !== true) await this.#o.signaling.leave(this.#o.roomId);
  }

  async publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    const publisher = this.#ensurePublisher();
    for (const handle of tracks) {
      const existing = this.#published.get(handle.trackId);
      if (existing) {
        await existing.sender.replaceTrack(handle.track as MediaStreamTrack);
        continue;
      }
      const transceiver = publisher.pc.addTransceiver(handle.track as MediaStreamTrack, { direction: 'sendonly' });
      this.#published.set(handle.trackId, { handle, sender: transceiver.sender });
      if (handle.muted) this.#states.setLocalMuted(handle.trackId, true);
    }
    const ok = await this.#renegotiate();
    if (!ok) return { code: RCRTCCode.SOME_TRACKS_PUBLISH_FAILED, failed: tracks.map((t) => t.trackId) };
    for (const handle of tracks) if (handle.muted) await this.setTrackMuted(handle.trackId, true);
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unpublish(trackIds: string[]): Promise<{ code: number }> {
    const publisher = this.#publisher;
    for (const trackId of trackIds) {
      const entry = this.#published.get(trackId);
      if (!entry || !publisher) continue;
      this.#published.delete(trackId);
      this.#states.forgetLocal(trackId);
      publisher.pc.removeTrack(entry.sender);
    }
    if (publisher) await this.#renegotiate();
    return { code: RCRTCCode.SUCCESS };
  }

  /** SFU media flows once a feed is up; subscribing only gates playback in the room. */
  async subscribe(_trackIds: string[]): Promise<{ code: number; failed: string[] }> {
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unsubscribe(_trackIds: string[]): Promise<{ code: number }> {
    return { code: RCRTCCode.SUCCESS };
  }

  async setTrackMuted(trackId: string, muted: boolean): Promise<void> {
    this.#states.setLocalMuted(trackId, muted);
    await Promise.all([...this.#peers].map((userId) => this.#sendState(userId, trackId, muted)));
  }

  async setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void> {
    const entry = this.#published.get(trackId);
    if (!entry) return;
    entry.maxKbps = maxKbps;
    await applyMaxBitrate(entry.sender, maxKbps);
  }

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    const localNames = new Map<string, string>();
    for (const { handle } of this.#published.values()) localNames.set(handle.track.id, handle.trackId);
    const connections = this.#connections();
    const reports = await Promise.all(connections.map((c) => c.stateReport(localNames).catch(() => undefined)));
    return reports.filter((r): r is IRCRTCStateReport => r !== undefined);
  }

  /** The live connections: the publisher and every subscription. */
  #connections(): SfuConnection[] {
    return [...(this.#publisher ? [this.#publisher] : []), ...[...this.#subscriptions.values()].map((s) => s.connection)];
  }

  #config(): RTCConfiguration {
    return {
      iceServers: this.#o.signaling.iceServers() as RTCIceServer[],
      ...(this.#o.iceTransportPolicy ? { iceTransportPolicy: this.#o.iceTransportPolicy } : {}),
    };
  }

  #connection(name: string): SfuConnection {
    const feedUserId = name === PUBLISHER ? undefined : name;
    const signaling = this.#o.signaling;
    const roomId = this.#o.roomId;
    const retry = this.#o.signalRetry ?? DEFAULT_SIGNAL_RETRY;
    const queue = new SignalQueue(this.#o.logger, `SFU ${name}`, retry);
    // A subscription's candidates need not wait for `sfu.start`'s reply: Janus holds candidates that
    // come before the answer. The publisher's wait for `sfu.publish`'s reply (its SFU handle may be new).
    const candidateQueue = feedUserId === undefined ? queue : new SignalQueue(this.#o.logger, `SFU ${name} candidates`, retry);
    return new SfuConnection({
      name,
      config: this.#config(),
      createPeerConnection: this.#o.createPeerConnection ?? ((config) => new RTCPeerConnection(config)),
      logger: this.#o.logger,
      queue,
      candidateQueue,
      sendCandidate: (candidate) => void candidateQueue.run('trickle', () => signaling.sfuTrickle(roomId, feedUserId, candidate)),
      onIceState: (state) => this.emit('iceStateChange', state, name),
      expectsMedia: () =>
        feedUserId !== undefined &&
        [...(this.#subscriptions.get(feedUserId)?.tracks.keys() ?? [])].some((trackId) => !this.#states.isRemoteMuted(trackId)),
      health: {
        trouble: (reason) => this.#recovery(name).trouble(reason),
        healthy: () => this.#recoveries.get(name)?.healthy(),
      },
    });
  }

  /** The recovery of connection `name`, made on first trouble; it outlives the connections it replaces. */
  #recovery(name: string): LinkRecovery {
    let recovery = this.#recoveries.get(name);
    if (recovery) return recovery;
    const feedUserId = name === PUBLISHER ? undefined : name;
    const current = () => (feedUserId === undefined ? this.#publisher : this.#subscriptions.get(feedUserId)?.connection);
    recovery = new LinkRecovery(
      {
        restartIce: () => void (feedUserId === undefined ? this.#renegotiate({ iceRestart: true }) : this.#subscribeTo(feedUserId, true)),
        relink: () => void (feedUserId === undefined ? this.#republish() : this.#subscribeTo(feedUserId, true)),
        recovered: () => {
          if (feedUserId !== undefined) return; // the SFU asks the publisher for a key frame when a subscription comes up
          for (const { handle, sender } of this.#published.values()) {
            if (handle.kind === 'video') void refreshKeyFrame(sender).catch(() => undefined);
          }
        },
        giveUp: () => this.emit('connectionLost', name),
        isHealthy: () => current()?.isHealthy() ?? false,
        log: (message) => this.#o.logger.warn(`SFU ${name}: ${message}`),
      },
      this.#o.recoveryPolicy ?? SFU_RECOVERY_POLICY,
    );
    this.#recoveries.set(name, recovery);
    return recovery;
  }

  /**
   * A new subscriber of our feed is up: a key frame from every published video, made by the encoder
   * (RTCP requests within 300 ms of the last honoured one are ignored by the sender). Requests that
   * arrive while one is being made cause one more afterwards, so every subscriber gets one made after
   * it came up, and a burst of subscribers costs two key frames, not one each.
   */
  async #sendKeyFrames(): Promise<void> {
    const state = this.#keyFrame;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        const videos = [...this.#published.values()].filter(({ handle }) => handle.kind === 'video');
        await Promise.all(videos.map(({ sender }) => refreshKeyFrame(sender).catch(() => undefined)));
      } while (state.again && !this.#left);
    } finally {
      state.running = false;
    }
  }

  /** A new publisher connection replaces the current one, with every published track. */
  async #republish(): Promise<void> {
    if (this.#left) return;
    this.#publisher?.close();
    this.#publisher = undefined;
    const publisher = this.#ensurePublisher();
    for (const entry of this.#published.values()) {
      entry.sender = publisher.pc.addTransceiver(entry.handle.track as MediaStreamTrack, { direction: 'sendonly' }).sender;
    }
    if (!(await this.#renegotiate({ fresh: true }))) return;
    for (const entry of this.#published.values()) {
      if (entry.maxKbps !== undefined) await applyMaxBitrate(entry.sender, entry.maxKbps).catch(() => undefined);
    }
  }

  #ensurePublisher(): SfuConnection {
    if (!this.#publisher) {
      this.#publisher = this.#connection(PUBLISHER);
      this.#flushCandidates(PUBLISHER, this.#publisher);
    }
    return this.#publisher;
  }

  /** `iceRestart`: new ICE credentials (recovery). `fresh`: a new connection (see `#republish`). */
  #renegotiate(options: { iceRestart?: boolean; fresh?: boolean } = {}): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const publisher = this.#publisher;
      if (!publisher || this.#left) return false;
      const offer = await publisher.pc.createOffer(options.iceRestart ? { iceRestart: true } : {});
      await publisher.pc.setLocalDescription(offer);
      const offerSdp = publisher.pc.localDescription?.sdp ?? offer.sdp ?? '';
      const res = await publisher.queue.run('publish', () =>
        this.#o.signaling.sfuPublish(this.#o.roomId, offerSdp, options.fresh === true),
      );
      if (res?.sdp === undefined || this.#publisher !== publisher) return false;
      await publisher.setRemote({ type: 'answer', sdp: res.sdp });
      publisher.releaseLocalCandidates();
      return true;
    };
    const next = this.#negotiation.then(run, run).catch((error: unknown) => {
      this.#o.logger.warn('SFU publish', error);
      return false;
    });
    this.#negotiation = next;
    return next;
  }

  /** `again`: recovery of an existing subscription — a new SFU handle and connection, the same remote tracks. */
  async #subscribeTo(userId: string, again = false): Promise<void> {
    const previous = this.#subscriptions.get(userId);
    if (again && previous) previous.connection.close();
    else this.#dropSubscription(userId);
    if (this.#left || (again && !previous)) return;
    const connection = this.#connection(userId);
    const subscription: Subscription = { connection, tracks: again && previous ? previous.tracks : new Map() };
    this.#subscriptions.set(userId, subscription);
    connection.pc.ontrack = (event) => this.#onRemoteTrack(userId, subscription, event.track);
    const { signaling, roomId } = this.#o;
    try {
      const res = await connection.queue.run('subscribe', () => signaling.sfuSubscribe(roomId, userId));
      if (this.#subscriptions.get(userId) !== subscription) return;
      if (res?.sdp === undefined) throw new Error(`subscribe ${res?.code}`);
      this.#flushCandidates(userId, connection);
      await connection.setRemote({ type: 'offer', sdp: res.sdp });
      const answer = await connection.pc.createAnswer();
      await connection.pc.setLocalDescription(answer);
      const answerSdp = connection.pc.localDescription?.sdp ?? answer.sdp ?? '';
      const started = connection.queue.run('start', () => signaling.sfuStart(roomId, userId, answerSdp));
      connection.releaseLocalCandidates();
      const startResult = await started;
      if (this.#subscriptions.get(userId) !== subscription) return;
      if (startResult?.code !== RCRTCCode.SUCCESS) throw new Error(`start ${startResult?.code}`);
    } catch (error) {
      this.#o.logger.warn('SFU subscribe', userId, error);
    }
  }

  #onRemoteTrack(userId: string, subscription: Subscription, track: MediaStreamTrack): void {
    if (this.#subscriptions.get(userId) !== subscription) return;
    const kind = track.kind as TrackKind;
    const trackId = trackIdOf(userId, RCTag.DEFAULT, kind);
    subscription.connection.remoteNames.set(track.id, trackId);
    if (!subscription.tracks.has(trackId)) {
      const muted = this.#states.takePending(trackId, false);
      const info: RemoteTrackInfo = { userId, tag: RCTag.DEFAULT, kind, trackId, muted };
      subscription.tracks.set(trackId, info);
      this.emit('remoteTrackPublished', info);
    }
    this.emit('remoteTrackMedia', trackId, track);
  }

  #dropSubscription(userId: string): void {
    const subscription = this.#subscriptions.get(userId);
    if (!subscription) return;
    this.#subscriptions.delete(userId);
    subscription.connection.close();
    this.#recoveries.get(userId)?.close();
    this.#recoveries.delete(userId);
    for (const info of subscription.tracks.values()) this.emit('remoteTrackUnpublished', info);
  }

  #flushCandidates(name: string, connection: SfuConnection): void {
    const pending = this.#pendingCandidates.get(name) ?? [];
    this.#pendingCandidates.delete(name);
    for (const candidate of pending) void connection.addRemoteCandidate(candidate);
  }

  #onTrackState(trackId: string, muted: boolean): void {
    if (this.#states.remoteStateArrived(trackId, muted, this.#findRemote(trackId) !== undefined)) {
      this.emit('remoteTrackState', trackId, muted);
    }
  }

  #findRemote(trackId: string): RemoteTrackInfo | undefined {
    for (const s of this.#subscriptions.values()) {
      const info = s.tracks.get(trackId);
      if (info) return info;
    }
    return undefined;
  }

  /** A track state to `toUserId`, on that user's channel (ordered, retried while the IM link is down). */
  async #sendState(toUserId: string, trackId: string, muted: boolean): Promise<void> {
    if (this.#left) return;
    const signal: RtcSignal = { kind: 'track_state', trackId, muted };
    let channel = this.#peerSignals.get(toUserId);
    if (!channel) {
      channel = new PeerSignalChannel(
        this.#o.signaling,
        this.#o.roomId,
        toUserId,
        this.#o.logger,
        this.#o.signalRetry ?? DEFAULT_SIGNAL_RETRY,
      );
      this.#peerSignals.set(toUserId, channel);
    }
    await channel.send(signal);
  }
}
