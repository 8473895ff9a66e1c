/** App listeners of a room (RTCLib `IRoomEventListener`, `IRCRTCReportListener`). */
import type { RCKickReason, RCRTCPingResult } from '@opencall/protocol';
import type { RCTrack } from '../tracks/rc-track.js';
import type { RCRemoteAudioTrack, RCRemoteTrack, RCRemoteVideoTrack } from '../tracks/remote-tracks.js';
import type { IceState } from '../transport/media-transport.js';
import type { IRCRTCStateReport } from '../types.js';

export interface IRoomEventListener {
  /** Removed from the room. `byServer` false: the connection broke. */
  onKickOff?(byServer: boolean, state?: RCKickReason): void;
  onMessageReceive?(name: string, content: unknown, senderUserId: string, messageUId: string): void;
  onRoomAttributeChange?(name: string, content?: string): void;
  /** A remote audio track's owner muted or unmuted it (`track.isOwnerMuted()`). */
  onAudioMuteChange?(audioTrack: RCRemoteAudioTrack): void;
  onVideoMuteChange?(videoTrack: RCRemoteVideoTrack): void;
  /** Remote users published tracks; subscribe to receive them. */
  onTrackPublish?(tracks: RCRemoteTrack[]): void;
  onTrackUnpublish?(tracks: RCRemoteTrack[]): void;
  /** A subscribed remote track's media is available (playable). */
  onTrackReady?(track: RCTrack): void;
  onUserJoin?(userIds: string[]): void;
  onUserLeave?(userIds: string[]): void;
  onPing?(result: RCRTCPingResult): void;
  /** A media connection broke and could not be restored. */
  onRTCPeerConnectionCloseByException?(): void;
  onCDNEnableChange?(enable: boolean): void;
  onSwitchRole?(userId: string, role: number): void;
}

export interface IRCRTCReportListener {
  /** Every `statsReportInterval` ms (default 1000): one report for the room, merging all its media connections. */
  onStateReport?(report: IRCRTCStateReport): void;
  onICEConnectionStateChange?(state: IceState, pcName?: string): void;
  /** Deprecated in RTCLib; called with the same values as `onICEConnectionStateChange`. */
  onConnectionStateChange?(state: IceState, pcName?: string): void;
}
