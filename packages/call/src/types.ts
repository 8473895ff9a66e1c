/** CallLib's public interfaces (CallLib Web 5.x, same names and shapes). */

import type {
  ConversationType,
  JoinedRoomInfo,
  LogLevel,
  OfflineCallRecord,
  PushVendorConfig,
  RCCallEndReason,
  RCCallLanguage,
  RCCallMediaType,
  RCCallUserState,
  RCFrameRate,
  RCResolution,
  RTCJoinType,
} from '@opencall/protocol';
import type { CallRtcClient, CallStateReport, CallTrack } from './rtc-port.js';
import type { CallTelemetryOptions } from './telemetry/call-telemetry.js';

/** RTCLib's state report types, as CallLib's d.ts re-exports them. */
export type { IRCCandidatePairStat, IRCRTCStateReport, IRCTrackStat } from '@opencall/rtc';

/** Who sent a call signal, with the profile it registered (`registerUserInfo`). */
export interface ISenderInfo {
  userId: string;
  name?: string;
  portraitUri?: string;
  extra?: string;
}

export type IInvitedUsers = ISenderInfo;

export interface IMuteUser {
  userId: string;
  muted: boolean;
  kind: 'audio' | 'video';
  trackId: string;
}

export interface IEndSummary {
  conversationType: ConversationType;
  channelId: string;
  targetId: string;
  mediaType: RCCallMediaType;
  beginTimestamp: number;
  endTimestamp: number;
  duration: number;
  endReason: RCCallEndReason | null;
}

export interface IUserData {
  userId: string;
  state: RCCallUserState;
  isCaller: boolean;
  isRemote: boolean;
  name?: string;
  portraitUri?: string;
  extra?: string;
}

export interface IUserProfile {
  name?: string;
  portraitUri?: string;
  extra?: string;
}

export interface IMicphoneAudioProfile {
  micphoneId?: string;
  sampleRate?: number;
}

export interface ICameraVideoProfile {
  frameRate: RCFrameRate;
  resolution: RCResolution;
  cameraId?: string;
  faceMode?: 'user' | 'environment';
}

export interface ICallConstraints {
  audio?: IMicphoneAudioProfile;
  video?: ICameraVideoProfile;
}

/** The session a listener is told about (kept structural so `types.ts` has no cycle with the class). */
export interface SessionRef {
  getSessionId(): string;
}

/**
 * What a session tells the app (CallLib `ISessionListener`). Pass one to `call` / `callInGroup`, or
 * to `session.registerSessionListener` in `onSession` for incoming calls. Every callback is called
 * safely: an exception in it is logged and never breaks the session.
 */
export interface ISessionListener<S extends SessionRef = SessionRef> {
  /** A callee's device is ringing (once per user). */
  onRinging(sender: ISenderInfo, session: S): void;
  /** A user answered; when this device is in the call too the session is now `KEEPING` and media starts. */
  onAccept(sender: ISenderInfo, session: S): void;
  /**
   * A user left the call while it goes on for the others (group calls, or the caller before an answer);
   * `reason` is the end reason as seen from this side. The end of the whole session is `onSessionClose`.
   */
  onHungup(sender: ISenderInfo, reason: RCCallEndReason, session: S): void;
  /**
   * A track can be played: each local track once captured (before the call connects, without `session`
   * for the caller's first preview), then each remote track once its media arrives.
   */
  onTrackReady(track: CallTrack, session?: S): void;
  /** Someone invited more users into the (group) call; they start `WAITING`. */
  onMemberModify(sender: ISenderInfo, invitedUsers: IInvitedUsers[], session: S): void;
  /** The call was downgraded to audio by `sender` (video tracks are already stopped when this runs). */
  onMediaModify(sender: ISenderInfo, mediaType: RCCallMediaType, session: S): void;
  /** A remote user muted or unmuted their microphone. */
  onAudioMuteChange?(muteUser: IMuteUser, session: S): void;
  /** A remote user turned their camera off or on. */
  onVideoMuteChange?(muteUser: IMuteUser, session: S): void;
  /** Every `statsReportInterval` ms (RCRTC installer option): one report for the whole session. */
  onRTCStateReport?(report: CallStateReport, session: S): void;
  /** A media connection's ICE state changed (`new`, `checking`, `connected`, `disconnected`, `failed`, `closed`…). */
  onICEConnectionStateChange?(state: string, session: S): void;
  /** Periodic signaling health while in the call (RTCLib `RCRTCPingResult`: success or fail). */
  onPing?(result: string, session: S): void;
  /** Publishing a local track failed; `code` is the `RCRTCCode`. */
  onTrackPublishFail?(code: number, session: S): void;
  /** Subscribing to a remote track failed; `code` is the `RCRTCCode`. */
  onTrackSubscribeFail?(code: number, session: S): void;
}

/** A call the user missed while offline (`onOfflineRecord`): the protocol's record, defined once. */
export type IOfflineRecord = OfflineCallRecord;

/** A media room one of the user's devices is in (engine `IRTCJoinedInfo`): the protocol's `JoinedRoomInfo`. */
export type IRTCJoinedInfo = JoinedRoomInfo;

/**
 * `setPushConfig`'s configs: the texts, and since CallLib 5.2.4 the per-platform / per-vendor fields
 * (the engine's IM `IPushConfig` shape), which reach the push provider with the notice.
 */
export interface IPushConfig {
  pushTitle?: string;
  pushContent?: string;
  pushData?: string;
  templateId?: string;
  disablePushTitle?: boolean;
  forceShowDetailContent?: boolean;
  iOSConfig?: PushVendorConfig['iOSConfig'];
  androidConfig?: PushVendorConfig['androidConfig'];
  harmonyOSConfig?: PushVendorConfig['harmonyOSConfig'];
}

export interface IRCCallInitOptions<S extends SessionRef = SessionRef> {
  rtcClient: CallRtcClient;
  /**
   * An incoming call (this device rings). Register the session's listener here
   * (`session.registerSessionListener`); a session left without one is hung up, as in CallLib.
   * `extra` is the caller's `extra`. When the user is busy the session ends right after this.
   */
  onSession: (session: S, extra?: string) => void;
  /**
   * A session ended, for whatever reason (hang-up on either side, no answer, busy, network failure,
   * the server ending it). Media is already released when this runs; `summaryInfo` holds the end reason,
   * timestamps and duration.
   */
  onSessionClose: (session: S, summaryInfo?: IEndSummary) => void;
  /** A call this user missed or that ended while this device was offline, delivered after connecting. */
  onOfflineRecord?: (record: IOfflineRecord) => void;
  isAllowSubscribeRetry?: boolean;
  isAllowPublishRetry?: boolean;
  isOffCameraWhenVideoDisable?: boolean;
  joinType?: RTCJoinType;
  isAllowDemotionGetStream?: boolean;
  lang?: RCCallLanguage;
  logLevel?: LogLevel;
  /** Receives every log line at or above `logLevel` instead of the console. */
  logStdout?: (level: number, content: string) => void;
  logOutputLevel?: number;
  /** OpenCall: call quality telemetry sent to the server (README "Call quality telemetry"); on by default. */
  telemetry?: CallTelemetryOptions;
}

export interface ICallParams<S extends SessionRef = SessionRef> {
  targetId: string;
  mediaType?: RCCallMediaType;
  listener: ISessionListener<S>;
  constraints?: ICallConstraints;
  channelId?: string;
  extra?: string;
  pushTitle?: string;
  pushContent?: string;
}

export interface ICallInGroupParams<S extends SessionRef = SessionRef> extends ICallParams<S> {
  userIds: string[];
}
