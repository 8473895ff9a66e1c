/** App listeners of a room (RTCLib `IRoomEventListener`, `IRCRTCReportListener`). */
import type { RCKickReason, RCRTCPingResult } from '@opencall/protocol';
import type { RCTrack } from '../tracks/rc-track.js';
import type { RCRemoteAudioTrack, RCRemoteTrack, RCRemoteVideoTrack } from '../tracks/remote-tracks.js';
import type { IceState } from '../transport/media-transport.js';
import type { IRCRTCStateReport } from '../types.js';

/** What a room tells the app (`room.registerRoomEventListener`); every callback is called safely (exceptions are logged). */
export interface IRoomEventListener {
  /**
   * Removed from the room (RTCLib: `byServer` false means the connection broke). RCRTC does not call it
   * today: no server event removes a user from a media room (a ban ends the call with
   * `KICKED_BY_SERVER` instead) and a broken media connection is `onRTCPeerConnectionCloseByException`.
   */
  onKickOff?(byServer: boolean, state?: RCKickReason): void;
  /** Kept for RTCLib compatibility: OpenCall carries no room messages, so it is never called. */
  onMessageReceive?(name: string, content: unknown, senderUserId: string, messageUId: string): void;
  /** Kept for RTCLib compatibility: OpenCall has no room attributes, so it is never called. */
  onRoomAttributeChange?(name: string, content?: string): void;
  /** A remote audio track's owner muted or unmuted it (`track.isOwnerMuted()`). */
  onAudioMuteChange?(audioTrack: RCRemoteAudioTrack): void;
  /** A remote video track's owner turned the camera off or on (`track.isOwnerMuted()`). */
  onVideoMuteChange?(videoTrack: RCRemoteVideoTrack): void;
  /** Remote users published tracks; subscribe to receive them. */
  onTrackPublish?(tracks: RCRemoteTrack[]): void;
  /** Remote users unpublished tracks (or left): they carry no media any more. */
  onTrackUnpublish?(tracks: RCRemoteTrack[]): void;
  /** A subscribed remote track's media is available (playable). */
  onTrackReady?(track: RCTrack): void;
  /** Users joined the room. */
  onUserJoin?(userIds: string[]): void;
  /** Users left the room (on purpose or because their connection was lost for good). */
  onUserLeave?(userIds: string[]): void;
  /** Periodic signaling health: `SUCCESS` while the IM connection is up, `FAIL` otherwise. */
  onPing?(result: RCRTCPingResult): void;
  /** A media connection broke and could not be restored. */
  onRTCPeerConnectionCloseByException?(): void;
  /** Kept for RTCLib compatibility: OpenCall has no CDN push, so it is never called. */
  onCDNEnableChange?(enable: boolean): void;
  /** Kept for RTCLib compatibility: OpenCall has no live-room roles, so it is never called. */
  onSwitchRole?(userId: string, role: number): void;
}

/** Media statistics and connection states (`room.registerReportListener`); called safely. */
export interface IRCRTCReportListener {
  /** Every `statsReportInterval` ms (default 1000): one report for the room, merging all its media connections. */
  onStateReport?(report: IRCRTCStateReport): void;
  /**
   * OpenCall: the same sample, one report per media connection before merging (`pcName` is the remote
   * user of a P2P link or SFU subscription, or `publisher`). Call quality telemetry reads these.
   */
  onConnectionReports?(reports: IRCRTCStateReport[]): void;
  /** A media connection's ICE state changed; `pcName` names the connection: the remote user's id (P2P link, or SFU subscription to that user), or `publisher` for the SFU publisher connection. */
  onICEConnectionStateChange?(state: IceState, pcName?: string): void;
  /** Deprecated in RTCLib; called with the same values as `onICEConnectionStateChange`. */
  onConnectionStateChange?(state: IceState, pcName?: string): void;
}
