/**
 * One RTCPeerConnection to one remote user, negotiated with "perfect negotiation": the polite
 * side (the greater user id) rolls back its own offer on a collision, the impolite side ignores
 * the other's. The joiner (`initiator`) offers first (a data channel gives the offer something to
 * carry before any track is published); the other side defers its own offers until the joiner's
 * first offer has been answered.
 *
 * Health (`ConnectionHealth`): the link reports `trouble` and `healthy`; what to do about it (ICE
 * restart, a new connection, giving up) is the transport's `LinkRecovery`.
 */

import { type RtcSignal, SafeEmitter } from '@opencall/protocol';
import { RCTag, type TrackKind, tagFromStreamId } from '../../ids.js';
import type { RtcLogger } from '../../logger.js';
import type { MediaTrackLike } from '../../media/media-track-like.js';
import type { IRCRTCStateReport } from '../../types.js';
import { applyIceServers } from '../ice-servers.js';
import type { IceState, LocalTrackHandle } from '../media-transport.js';
import { ConnectionHealth } from '../recovery/connection-health.js';
import { applyMaxBitrate, refreshKeyFrame } from '../sender-bitrate.js';
import { buildStateReport, type StatsSnapshot, toRawStats } from '../stats/state-report.js';
import { eventForConnectionState, PEER_LINK_MACHINE, type PeerLinkEvent, type PeerLinkState } from './peer-link-state.js';
import { rewriteMsid, wireStreamId } from './sdp-msid.js';

export type PeerLinkEvents = {
  stateChange: [state: PeerLinkState];
  iceStateChange: [state: IceState];
  remoteTrack: [tag: string, kind: TrackKind, track: MediaTrackLike];
  remoteTrackRemoved: [tag: string, kind: TrackKind];
  /** ICE went `disconnected` / `failed`, or inbound media stopped. */
  trouble: [reason: string];
  /** ICE is up and media flows (again). */
  healthy: [];
};

export interface PeerLinkOptions {
  selfUserId: string;
  remoteUserId: string;
  /** Whether this side makes the first offer (it joined after the remote user). */
  initiator: boolean;
  iceServers: RTCIceServer[];
  /** Sends a signal to the remote user; the caller keeps signals in order. */
  send(signal: RtcSignal): void;
  logger: RtcLogger;
  /** Which connection between the two users this is (0 first, +1 per relink); stamped on signals. */
  generation?: number;
  /** Whether the remote user has unmuted tracks, so that silence means a broken path. */
  expectsMedia?: () => boolean;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  /** Makes the local MediaStreams tracks are sent in (default `new MediaStream()`). */
  createMediaStream?: () => MediaStream;
}

export class PeerLink extends SafeEmitter<PeerLinkEvents> {
  readonly remoteUserId: string;
  readonly polite: boolean;
  #state: PeerLinkState = 'new';
  readonly #pc: RTCPeerConnection;
  readonly #options: PeerLinkOptions;
  readonly #senders = new Map<string, RTCRtpSender>();
  /** Senders of unpublished tracks, removed at the end of the current task (see `removeLocalTrack`). */
  readonly #leavingSenders = new Map<string, RTCRtpSender>();
  readonly #streams = new Map<string, MediaStream>();
  /** Local MediaStream id → stream id announced in SDP. */
  readonly #wireIds = new Map<string, string>();
  /** Remote MediaStreamTrack id → RTCLib track id (for stats). */
  readonly #remoteNames = new Map<string, string>();
  #makingOffer = false;
  #ignoreOffer = false;
  #firstOfferHandled: boolean;
  #negotiationDeferred = false;
  readonly #health: ConnectionHealth;
  #inbound: Promise<void> = Promise.resolve();
  #statsSnapshot: StatsSnapshot | undefined;

  constructor(options: PeerLinkOptions) {
    super();
    this.setListenerErrorHandler((event, error) => options.logger.error(`PeerLink listener of ${event} threw`, error));
    this.#options = options;
    this.remoteUserId = options.remoteUserId;
    this.polite = options.selfUserId > options.remoteUserId;
    this.#firstOfferHandled = options.initiator;
    const create = options.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config));
    this.#pc = create({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
    this.#health = new ConnectionHealth(this.#pc, () => options.expectsMedia?.() ?? false, {
      trouble: (reason) => this.emit('trouble', reason),
      healthy: () => this.emit('healthy'),
    });
    this.#wire();
  }

  get state(): PeerLinkState {
    return this.#state;
  }

  /** Begins connecting; the initiator makes its first offer. */
  start(): void {
    this.#move('start');
    if (this.#options.initiator) this.#pc.createDataChannel('opencall');
    this.#health.start();
  }

  get generation(): number {
    return this.#options.generation ?? 0;
  }

  /** ICE is up and media flows (or none is expected). */
  isHealthy(): boolean {
    return this.#state !== 'closed' && this.#health.isHealthy();
  }

  /** Restarts ICE on this connection (new credentials, new candidates; media keeps its DTLS session). */
  restartIce(): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'failed') this.#move('restart');
    this.#pc.restartIce();
  }

  /** Makes every video sender start over with a key frame, so the remote decoder resumes at once. */
  async refreshKeyFrames(): Promise<void> {
    const video = this.#pc.getSenders().filter((sender) => sender.track?.kind === 'video');
    await Promise.all(video.map((sender) => refreshKeyFrame(sender).catch(() => undefined)));
  }

  /** Fresh ICE servers (new TURN credentials), used from the next gathering on. */
  setIceServers(iceServers: RTCIceServer[]): void {
    if (this.#state === 'closed') return;
    applyIceServers(this.#pc, iceServers, this.#options.logger, `PeerLink ${this.remoteUserId}`);
  }

  addLocalTrack(handle: LocalTrackHandle): void {
    if (this.#state === 'closed' || this.#senders.has(handle.trackId)) return;
    const leaving = this.#leavingSenders.get(handle.trackId);
    if (leaving) {
      // Unpublished and published again in one go (a camera or microphone switch): the same sender
      // carries the new track, with no renegotiation, so the other side keeps its track and frames.
      this.#leavingSenders.delete(handle.trackId);
      this.#senders.set(handle.trackId, leaving);
      leaving.replaceTrack(handle.track as unknown as MediaStreamTrack).catch((error) => {
        this.#options.logger.warn(`PeerLink ${this.remoteUserId}: replacing ${handle.trackId} failed`, error);
      });
      return;
    }
    let stream = this.#streams.get(handle.streamId);
    if (!stream) {
      stream = this.#options.createMediaStream?.() ?? new MediaStream();
      this.#streams.set(handle.streamId, stream);
      this.#wireIds.set(stream.id, wireStreamId(handle.streamId, handle.tag));
    }
    const sender = this.#pc.addTrack(handle.track as unknown as MediaStreamTrack, stream);
    this.#senders.set(handle.trackId, sender);
  }

  /**
   * The sender goes at the end of this task, unless the same track id is published again before
   * (`addLocalTrack` then reuses it).
   */
  removeLocalTrack(trackId: string): void {
    const sender = this.#senders.get(trackId);
    if (!sender || this.#state === 'closed') return;
    this.#senders.delete(trackId);
    this.#leavingSenders.set(trackId, sender);
    setTimeout(() => {
      if (this.#leavingSenders.get(trackId) !== sender) return;
      this.#leavingSenders.delete(trackId);
      if (this.#state !== 'closed') this.#pc.removeTrack(sender);
    }, 0);
  }

  async setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void> {
    const sender = this.#senders.get(trackId);
    if (!sender) return;
    await applyMaxBitrate(sender, maxKbps);
  }

  /** Handles a `description` or `candidate` signal from the remote user, in arrival order. */
  handleSignal(signal: RtcSignal): Promise<void> {
    this.#inbound = this.#inbound
      .then(() => this.#process(signal))
      .catch((error) => this.#options.logger.warn(`PeerLink ${this.remoteUserId}: signal failed`, error));
    return this.#inbound;
  }

  async getStateReport(localNames: ReadonlyMap<string, string>): Promise<IRCRTCStateReport | undefined> {
    if (this.#state === 'closed') return undefined;
    const raw = toRawStats(await this.#pc.getStats());
    const { report, snapshot } = buildStateReport(
      raw,
      this.#statsSnapshot,
      { local: localNames, remote: this.#remoteNames },
      this.remoteUserId,
      Date.now(),
    );
    this.#statsSnapshot = snapshot;
    return report;
  }

  /** Closes the connection. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#health.stop();
    this.#move('close');
    this.#pc.close();
  }

  #move(event: PeerLinkEvent): void {
    const next = PEER_LINK_MACHINE.next(this.#state, event);
    this.#state = next;
    this.emit('stateChange', next);
  }

  #wire(): void {
    const pc = this.#pc;
    pc.onnegotiationneeded = () => void this.#negotiate();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate === null) {
        this.#options.send({ kind: 'candidate', candidate: null, generation: this.generation });
        return;
      }
      if (!candidate.candidate) return;
      const json = candidate.toJSON();
      this.#options.send({
        kind: 'candidate',
        candidate: {
          candidate: json.candidate ?? candidate.candidate,
          sdpMid: json.sdpMid ?? null,
          sdpMLineIndex: json.sdpMLineIndex ?? null,
          usernameFragment: json.usernameFragment ?? null,
        },
        generation: this.generation,
      });
    };
    pc.oniceconnectionstatechange = () => {
      this.emit('iceStateChange', pc.iceConnectionState as IceState);
      this.#health.iceStateChanged(pc.iceConnectionState);
    };
    pc.onconnectionstatechange = () => this.#onConnectionState(pc.connectionState);
    pc.ontrack = (event) => this.#onTrack(event);
  }

  #onConnectionState(pcState: RTCPeerConnectionState): void {
    const event = eventForConnectionState(this.#state, pcState);
    if (event) this.#move(event);
  }

  #onTrack(event: RTCTrackEvent): void {
    const stream = event.streams[0];
    const tag = stream ? tagFromStreamId(this.remoteUserId, stream.id) : RCTag.DEFAULT;
    const kind = event.track.kind as TrackKind;
    this.#remoteNames.set(event.track.id, `${this.remoteUserId}_${tag}_${kind}`);
    if (stream) {
      stream.onremovetrack = (e) => this.emit('remoteTrackRemoved', tag, e.track.kind as TrackKind);
    }
    this.emit('remoteTrack', tag, kind, event.track as MediaTrackLike);
  }

  async #negotiate(): Promise<void> {
    if (this.#state === 'closed') return;
    if (!this.#firstOfferHandled) {
      this.#negotiationDeferred = true;
      return;
    }
    // Re-entry while an offer is in flight: the browser fires negotiationneeded again once stable.
    if (this.#makingOffer || this.#pc.signalingState !== 'stable') return;
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      this.#sendLocalDescription();
    } catch (error) {
      this.#options.logger.warn(`PeerLink ${this.remoteUserId}: offer failed`, error);
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendLocalDescription(): void {
    const desc = this.#pc.localDescription;
    if (!desc) return;
    this.#options.send({
      kind: 'description',
      description: { type: desc.type, sdp: rewriteMsid(desc.sdp, this.#wireIds) },
      generation: this.generation,
    });
  }

  async #process(signal: RtcSignal): Promise<void> {
    if (this.#state === 'closed') return;
    if (signal.kind === 'description') {
      const description = signal.description;
      const offerCollision = description.type === 'offer' && (this.#makingOffer || this.#pc.signalingState !== 'stable');
      this.#ignoreOffer = !this.polite && offerCollision;
      if (this.#ignoreOffer) return;
      await this.#pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await this.#pc.setLocalDescription();
        this.#sendLocalDescription();
        if (!this.#firstOfferHandled) {
          this.#firstOfferHandled = true;
          if (this.#negotiationDeferred || this.#senders.size > 0) {
            this.#negotiationDeferred = false;
            void this.#negotiate();
          }
        }
      }
    } else if (signal.kind === 'candidate') {
      try {
        if (signal.candidate === null) await this.#pc.addIceCandidate();
        else await this.#pc.addIceCandidate(signal.candidate);
      } catch (error) {
        if (!this.#ignoreOffer) this.#options.logger.debug(`PeerLink ${this.remoteUserId}: addIceCandidate failed`, error);
      }
    }
  }
}
