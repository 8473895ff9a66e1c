/**
 * The port between a room and the media path. Implemented by `P2PTransport` (one
 * RTCPeerConnection per remote user), `FakeTransport` (Node, no media) and, later, a Janus SFU
 * transport. A transport lives for one room: `join` once, `leave` once.
 *
 * Remote tracks go through two steps so that an SFU fits: `remoteTrackPublished` announces a track,
 * `remoteTrackMedia` hands over its `MediaStreamTrack` (P2P: right after the announcement;
 * SFU: after `subscribe`).
 */
import type { SafeEmitter } from '@opencall/protocol';
import type { TrackKind } from '../ids.js';
import type { RtcLogger } from '../logger.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import type { IRCRTCStateReport } from '../types.js';
import type { RoomSignalingPort } from './room-signaling.js';

/** A local track handed to the transport for publishing. */
export interface LocalTrackHandle {
  readonly trackId: string;
  readonly streamId: string;
  readonly tag: string;
  readonly kind: TrackKind;
  readonly track: MediaTrackLike;
  /** Owner-muted state at publish time. */
  readonly muted: boolean;
}

/** A remote track as announced by its owner. */
export interface RemoteTrackInfo {
  readonly userId: string;
  readonly tag: string;
  readonly kind: TrackKind;
  readonly trackId: string;
  /** Owner-muted state, when known at announcement. */
  readonly muted: boolean;
}

export interface TransportJoinResult {
  /** `RCRTCCode.SUCCESS`, or the failure code. */
  code: number;
  /** Users already in the room. */
  userIds: string[];
}

export interface TransportPublishResult {
  code: number;
  /** Tracks that could not be published. */
  failed: string[];
}

/** ICE connection state of one connection (RTCIceConnectionState in browsers). */
export type IceState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

export type MediaTransportEvents = {
  /** Users who entered the room after us. */
  peerJoined: [userId: string];
  /** A user left the room (their remote tracks were already unpublished). */
  peerLeft: [userId: string];
  remoteTrackPublished: [info: RemoteTrackInfo];
  remoteTrackMedia: [trackId: string, track: MediaTrackLike];
  remoteTrackUnpublished: [info: RemoteTrackInfo];
  /** The owner muted or unmuted a published track. */
  remoteTrackState: [trackId: string, muted: boolean];
  /** `connectionName`: which connection (P2P: the remote user id). */
  iceStateChange: [state: IceState, connectionName: string];
  /** A connection broke for good (P2P: a link failed after its ICE restart). */
  connectionLost: [connectionName: string];
};

export interface LeaveOptions {
  serverLeft?: boolean;
}

export interface MediaTransport extends Pick<SafeEmitter<MediaTransportEvents>, 'on' | 'off' | 'once'> {
  /** Enters the room on the server and connects to the users already in it. */
  join(roomId: string): Promise<TransportJoinResult>;
  /**
   * Leaves the room and closes every connection. Idempotent. `serverLeft`: the server already took this
   * device out of the room (its call ended, or its hang-up is on the way): close locally, send nothing.
   */
  leave(options?: LeaveOptions): Promise<void>;
  publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult>;
  unpublish(trackIds: string[]): Promise<{ code: number }>;
  /** Starts receiving remote tracks' media. Returns the track ids that failed. */
  subscribe(trackIds: string[]): Promise<{ code: number; failed: string[] }>;
  unsubscribe(trackIds: string[]): Promise<{ code: number }>;
  /** Tells the peers a published track was muted or unmuted by its owner. */
  setTrackMuted(trackId: string, muted: boolean): Promise<void>;
  /** Caps the send bitrate of a published track (kbps). */
  setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void>;
  /** One report per connection. */
  getStateReports(): Promise<IRCRTCStateReport[]>;
}

/** What a transport needs from the client that creates it. */
export type TransportFactory = (deps: TransportDeps) => MediaTransport;

export interface TransportDeps {
  signaling: RoomSignalingPort;
  logger: RtcLogger;
}
