/** The wrapper's public interfaces: CallLib's, with CallPlus's `onTrackReady(userId, mediaType, session)`. */
import type { ICallConstraints, IEndSummary, IInvitedUsers, IMuteUser, IPushConfig, ISenderInfo, SessionRef } from '@opencall/call';
import type { RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { RCCallPlusClient } from '../callplus-client.js';
import type { WrapperCallOptions } from '../wrapper-port.js';

export interface IWrapperSessionListener<S extends SessionRef = SessionRef> {
  onRinging(sender: ISenderInfo, session: S): void;
  onAccept(sender: ISenderInfo, session: S): void;
  onHungup(sender: ISenderInfo, reason: RCCallEndReason, session: S): void;
  /**
   * `userId`'s audio (`RCCallMediaType.AUDIO`) or video (`AUDIO_VIDEO`) is ready: play it with
   * `callPlusClient.playMedia(userId, RCCallPlusMediaType.AUDIO | VIDEO)` (no track is handed out).
   * `session` is absent for the caller's own tracks, reported before `call()` resolves.
   */
  onTrackReady(userId: string, mediaType: RCCallMediaType, session?: S): void;
  onMemberModify(sender: ISenderInfo, invitedUsers: IInvitedUsers[], session: S): void;
  onMediaModify(sender: ISenderInfo, mediaType: RCCallMediaType, session: S): void;
  onAudioMuteChange?(muteUser: IMuteUser, session: S): void;
  onVideoMuteChange?(muteUser: IMuteUser, session: S): void;
  /** Deprecated in the wrapper (seed): accepted, never called. */
  onRTCStateReport?(report: unknown, session: S): void;
  onICEConnectionStateChange?(state: string, session: S): void;
  onPing?(result: string, session: S): void;
  onTrackPublishFail?(code: number, session: S): void;
  onTrackSubscribeFail?(code: number, session: S): void;
}

/**
 * `installPlugin(CallPlusWrapper.installer, options)`. CallLib's engine options (`isOffCameraWhenVideoDisable`,
 * `joinType`, retries, `lang`, `onOfflineRecord`, …) are accepted and configure the shared call engine.
 */
export interface IRCCallPlusWrapperInitOptions<S extends SessionRef = SessionRef> extends WrapperCallOptions {
  callPlusClient: RCCallPlusClient;
  onSession: (session: S, extra?: string) => void;
  onSessionClose: (session: S, summaryInfo?: IEndSummary) => void;
}

export interface IWrapperCallParams<S extends SessionRef = SessionRef> {
  targetId: string;
  mediaType?: RCCallMediaType;
  listener: IWrapperSessionListener<S>;
  constraints?: ICallConstraints;
  channelId?: string;
  extra?: string;
  pushTitle?: string;
  pushContent?: string;
}

export interface IWrapperCallInGroupParams<S extends SessionRef = SessionRef> extends IWrapperCallParams<S> {
  userIds: string[];
}

export type { ICallConstraints, IEndSummary, IInvitedUsers, IMuteUser, IPushConfig, ISenderInfo };
