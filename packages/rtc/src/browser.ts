/**
 * What RCRTC.js exposes (the CDN global `RCRTC`, a drop-in for RongCloud RTCLib 5): the package
 * (index.ts) without its Node helpers — `createRTCInstaller` and the fake media of headless clients —
 * which a page has no use for (RTCLib has neither) and which cost ≈1.5 KB gzip.
 */
export {
  RCFrameRate,
  RCKickReason,
  RCMediaType,
  RCResolution,
  RCRTCCode,
  RCRTCPingResult,
  RTCJoinType,
} from '@opencall/protocol';
export { RCRTCClient } from './client/rc-rtc-client.js';
export { createDeviceApi, device } from './device.js';
export { helper, type IResolution, transFrameRate, transResolution } from './helper.js';
export { RCTag, type TrackKind } from './ids.js';
export { installer, RTC_VERSION, type WebRtcClasses } from './installer.js';
export type { CaptureRequest, MediaCapture } from './media/media-capture.js';
export type { MediaTrackLike } from './media/media-track-like.js';
export { RCRTCRoom } from './room/rc-rtc-room.js';
export type { IRCRTCReportListener, IRoomEventListener } from './room/room-listeners.js';
export {
  type IBitrate,
  RCCameraVideoTrack,
  RCLocalAudioTrack,
  RCLocalTrack,
  RCLocalVideoTrack,
  RCMicphoneAudioTrack,
} from './tracks/local-tracks.js';
export type { IPlayOptions } from './tracks/play.js';
export { RCTrack } from './tracks/rc-track.js';
export { RCRemoteAudioTrack, RCRemoteTrack, RCRemoteVideoTrack } from './tracks/remote-tracks.js';
export type { IceState, MediaTransport } from './transport/media-transport.js';
export type {
  ICameraVideoProfile,
  IMicphoneAudioProfile,
  IRCCandidatePairStat,
  IRCRTCInitOptions,
  IRCRTCStateReport,
  IRCTrackStat,
  IRTCJoinedInfo,
  IVideoProfile,
} from './types.js';
