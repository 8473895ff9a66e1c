/** CallLib's public interfaces (CallLib Web 5.x, same names and shapes). */
import type {
  ConversationType,
  LogLevel,
  RCCallEndReason,
  RCCallLanguage,
  RCCallMediaType,
  RCCallUserState,
  RCFrameRate,
  RCResolution,
  RTCJoinType,
} from '@opencall/protocol';
import type { CallRtcClient, CallTrack } from './rtc-port.js';

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

export interface ISessionListener<S extends SessionRef = SessionRef> {
  onRinging(sender: ISenderInfo, session: S): void;
  onAccept(sender: ISenderInfo, session: S): void;
  onHungup(sender: ISenderInfo, reason: RCCallEndReason, session: S): void;
  onTrackReady(track: CallTrack, session?: S): void;
  onMemberModify(sender: ISenderInfo, invitedUsers: IInvitedUsers[], session: S): void;
  onMediaModify(sender: ISenderInfo, mediaType: RCCallMediaType, session: S): void;
  onAudioMuteChange?(muteUser: IMuteUser, session: S): void;
  onVideoMuteChange?(muteUser: IMuteUser, session: S): void;
  onRTCStateReport?(report: unknown, session: S): void;
  onICEConnectionStateChange?(state: string, session: S): void;
  onPing?(result: string, session: S): void;
  onTrackPublishFail?(code: number, session: S): void;
  onTrackSubscribeFail?(code: number, session: S): void;
}

export interface IOfflineRecord {
  channelId: string;
  conversationType: ConversationType;
  targetId: string;
  callId: string;
  inviterId: string;
  mediaType: RCCallMediaType;
  endReason: RCCallEndReason;
  beginTimestamp: number;
  endTimestamp: number;
  duration: number;
}

/** A media room one of the user's devices is in (engine `IRTCJoinedInfo`). */
export interface IRTCJoinedInfo {
  deviceId: string;
  roomId: string;
  joinTime: number;
}

export interface IPushConfig {
  pushTitle?: string;
  pushContent?: string;
  [vendorField: string]: unknown;
}

export interface IRCCallInitOptions<S extends SessionRef = SessionRef> {
  rtcClient: CallRtcClient;
  onSession: (session: S, extra?: string) => void;
  onSessionClose: (session: S, summaryInfo?: IEndSummary) => void;
  onOfflineRecord?: (record: IOfflineRecord) => void;
  isAllowSubscribeRetry?: boolean;
  isAllowPublishRetry?: boolean;
  isOffCameraWhenVideoDisable?: boolean;
  joinType?: RTCJoinType;
  isAllowDemotionGetStream?: boolean;
  lang?: RCCallLanguage;
  logLevel?: LogLevel;
  logStdout?: (level: number, content: string) => void;
  logOutputLevel?: number;
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
