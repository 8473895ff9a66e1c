/**
 * OpenCall RTC: a drop-in for RongCloud RTCLib 5 (`@rongcloud/plugin-rtc`, CDN global `RCRTC`).
 * Every export is top level, so the IIFE build exposes `RCRTC.installer`, `RCRTC.RCResolution`…
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
export { createRTCInstaller, installer, RTC_VERSION, type RTCInstallerOverrides, type WebRtcClasses } from './installer.js';
export { FakeMediaCapture, type FakeMediaCaptureOptions, FakeMediaTrack } from './media/fake-media.js';
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
