/**
 * `RCCallSession`: one call as this client sees it. State comes only from server events and the
 * user's own intents; callbacks go to the registered `ISessionListener`.
 */
import type { PluginContext } from '@opencall/imlib';
import {
  type CallEvent,
  ConversationType,
  type HangupTelemetry,
  type PushVendorConfig,
  RCCallEndReason,
  RCCallErrorCode,
  RCCallMediaType,
  RCCallSessionState,
  RCCallUserState,
  RCRTCCode,
  requestThroughPause,
  toRemoteEndReason,
  type UserProfile,
} from '@opencall/protocol';
import { toCallErrorCode } from './call-error.js';
import { CALL_TRACK_TAG, captureForCall } from './capture.js';
import type { CallLocalTrack, CallRtcClient, CallStateReport, CallTrack } from './rtc-port.js';
import { SESSION_MACHINE } from './session-machine.js';
import { SessionMedia } from './session-media.js';
import { CallTelemetry } from './telemetry/call-telemetry.js';
import type { ICallConstraints, IEndSummary, IRCCallInitOptions, ISenderInfo, ISessionListener, IUserData, IUserProfile } from './types.js';
import { assertConstraints, assertListener, assertUserId, assertUserIds } from './validate.js';

/** The push fields of an invite signal. */
export interface InvitePush {
  pushTitle: string;
  pushContent?: string;
  pushConfig?: PushVendorConfig;
}

export interface SessionHost {
  context: PluginContext;
  rtc: CallRtcClient;
  options: IRCCallInitOptions<RCCallSession>;
  profile(): IUserProfile | undefined;
  /** Push texts for invites (per call or `setPushConfig`, else the default title per `lang`). */
  invitePush(mediaType: RCCallMediaType, params: { pushTitle?: string; pushContent?: string }): InvitePush;
  hangupPush(): { pushTitle?: string; pushContent?: string; pushConfig?: PushVendorConfig };
  hangUpOthers(except: RCCallSession): Promise<void>;
  sessionClosed(session: RCCallSession, summary: IEndSummary): void;
}

export interface SessionInit {
  callId: string;
  conversationType: ConversationType;
  targetId: string;
  channelId: string;
  mediaType: RCCallMediaType;
  callerId: string;
  selfId: string;
  extra: string;
  /** Everyone in the call with their state (self included). */
  users: { userId: string; state: RCCallUserState; profile?: UserProfile }[];
  localTracks: CallLocalTrack[];
  /** Capture constraints given to `call` / `callInGroup` (reused when the camera is turned back on). */
  constraints?: ICallConstraints;
}

interface UserEntry {
  state: RCCallUserState;
  isCaller: boolean;
  profile: UserProfile | undefined;
}

export class RCCallSession {
  private state = RCCallSessionState.WAITING;
  private listener: ISessionListener<RCCallSession> | undefined;
  private readonly users = new Map<string, UserEntry>();
  private mediaType: RCCallMediaType;
  private media: SessionMedia | undefined;
  private beginTimestamp = 0;
  private endReason: RCCallEndReason | null = null;
  private constraints: ICallConstraints | undefined;
  private rtcSessionId: string | undefined;
  /** Quality telemetry of this device in the call (off with `telemetry: { enabled: false }`). */
  private readonly telemetry: CallTelemetry | undefined;

  /** @internal */
  constructor(
    private readonly init: SessionInit,
    private readonly host: SessionHost,
  ) {
    this.mediaType = init.mediaType;
    this.constraints = init.constraints;
    for (const user of init.users)
      this.users.set(user.userId, { state: user.state, isCaller: user.userId === init.callerId, profile: user.profile });
    if (init.localTracks.length > 0) this.media = new SessionMedia(init.callId, this.mediaHost(), init.localTracks);
    const telemetry = host.options.telemetry;
    if (CallTelemetry.enabled(telemetry))
      this.telemetry = new CallTelemetry(
        init.callId,
        (body) => this.host.context.request(body),
        telemetry ?? {},
        () => this.mediaType === RCCallMediaType.AUDIO_VIDEO,
        Date.now,
        () => this.host.context.getServerTime(),
        (code, samples, kept) =>
          this.host.context.logger.warn(
            `[RCCallSession] telemetry batch not taken (${code}): ${samples} samples ${kept ? 'kept' : 'dropped'}`,
          ),
      );
  }

  /** @internal This device's ringing reached the server (callee: invite → ringing). */
  rangHere(): void {
    this.telemetry?.ringing();
  }

  /** @internal Whether the app registered a listener (checked right after `onSession`). */
  hasListener(): boolean {
    return this.listener !== undefined;
  }

  registerSessionListener(listener: ISessionListener<RCCallSession>): void {
    assertListener(listener);
    this.listener = { ...listener };
  }

  getSessionId(): string {
    return this.init.callId;
  }
  /**
   * The server-assigned RTC session id (the same for every participant; records and notices use it),
   * known once the call connected. Throws before that, as CallLib does before its room exists.
   */
  getRTCSessionId(): string {
    if (!this.rtcSessionId) throw new Error('[RCCallSession getRTCSessionId] the call is not connected yet');
    return this.rtcSessionId;
  }
  getTargetId(): string {
    return this.init.targetId;
  }
  getConversationType(): ConversationType {
    return this.init.conversationType;
  }
  getChannelId(): string {
    return this.init.channelId;
  }
  getCallerId(): string {
    return this.init.callerId;
  }
  getMediaType(): RCCallMediaType {
    return this.mediaType;
  }
  getState(): RCCallSessionState {
    return this.state;
  }
  private isEnded(): boolean {
    return this.state === RCCallSessionState.END;
  }
  /** `RCCallUserState.NONE` (0) for users not (or no longer) in the call, as CallLib documents it. */
  getUserState(userId: string): RCCallUserState {
    assertUserId(userId, 'RCCallSession getUserState');
    return this.users.get(userId)?.state ?? RCCallUserState.NONE;
  }
  getRemoteUsers(): IUserData[] {
    return [...this.users.entries()]
      .filter(([userId]) => userId !== this.init.selfId)
      .map(([userId, u]) => ({ userId, state: u.state, isCaller: u.isCaller, isRemote: true, ...u.profile }));
  }

  /** Answer: capture, tell the server, then join the room and publish. */
  async accept(constraints?: ICallConstraints): Promise<{ code: RCCallErrorCode }> {
    assertConstraints(constraints, 'RCCallSession accept');
    if (this.state !== RCCallSessionState.WAITING || this.users.get(this.init.selfId)?.state !== RCCallUserState.WAITING) {
      return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
    }
    await this.host.hangUpOthers(this);
    this.constraints = constraints;
    const captured = await captureForCall(this.host.rtc, this.mediaType, constraints, this.host.options.isAllowDemotionGetStream === true);
    if (captured.code !== RCCallErrorCode.SUCCESS || !captured.tracks) {
      this.sendHangup(RCCallEndReason.GET_MEDIA_RESOURCES_ERROR);
      await this.end(RCCallEndReason.GET_MEDIA_RESOURCES_ERROR);
      return { code: captured.code };
    }
    return this.answer(captured.tracks, captured.mediaType, true);
  }

  /**
   * @internal Tell the server this device answers, then join and publish `tracks`.
   * `reportLocalTracks`: fire `onTrackReady` for them once published (not when the app already had them).
   */
  async answer(tracks: CallLocalTrack[], mediaType: RCCallMediaType, reportLocalTracks: boolean): Promise<{ code: RCCallErrorCode }> {
    if (this.isEnded()) {
      for (const track of tracks) track.destroy();
      return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
    }
    // An answer given during a signaling pause gets through once the link is back (answering is idempotent).
    const result = await requestThroughPause(
      () => this.host.context.request({ t: 'call.accept', callId: this.init.callId, mediaType, user: this.host.profile() }),
      { cancelled: () => this.isEnded() },
    );
    if (result.code !== RCCallErrorCode.SUCCESS) {
      for (const track of tracks) track.destroy();
      if (!this.isEnded()) await this.end(RCCallEndReason.NETWORK_ERROR);
      return { code: toCallErrorCode(result.code) };
    }
    // The call ended while the answer was on its way (its end event came before the reply): nothing to join.
    if (this.isEnded()) {
      for (const track of tracks) track.destroy();
      return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
    }
    this.setUser(this.init.selfId, RCCallUserState.KEEPING);
    this.setUser(this.init.callerId, RCCallUserState.KEEPING);
    if (result.data) this.rtcSessionId = result.data.rtcSessionId;
    this.connected();
    const media = new SessionMedia(this.init.callId, this.mediaHost(), tracks);
    this.media = media;
    void media.start().then(() => {
      if (this.isEnded() || !reportLocalTracks) return;
      for (const track of media.localTracks) this.emit('onTrackReady', track, this);
    });
    return { code: RCCallErrorCode.SUCCESS };
  }

  /** @internal The invite went out: the caller of a group call joins its SFU room while it rings. */
  placed(): void {
    if (this.init.conversationType === ConversationType.GROUP && this.media && this.state !== RCCallSessionState.END)
      void this.media.startEarly();
  }

  /** Leave: CANCEL if calling, REJECT if ringing, else HANGUP (chosen automatically, as CallLib). */
  async hungup(): Promise<{ code: RCCallErrorCode }> {
    if (this.state === RCCallSessionState.END) return { code: RCCallErrorCode.SUCCESS };
    const selfState = this.users.get(this.init.selfId)?.state;
    const reason =
      selfState === RCCallUserState.WAITING
        ? this.init.callerId === this.init.selfId
          ? RCCallEndReason.CANCEL
          : RCCallEndReason.REJECT
        : RCCallEndReason.HANGUP;
    // The last telemetry batch rides on the hang-up (one request fewer); end() then has none to send.
    const sent = this.sendHangup(undefined, this.telemetry?.lastBatch());
    await this.end(reason);
    const { code } = await sent;
    // Already gone on the server (a retried hang-up, or the call ended meanwhile): hung up all the same.
    const gone = code === RCCallErrorCode.CALL_NOT_FOUND || code === RCCallErrorCode.NOT_IN_CALL;
    return { code: code === RCCallErrorCode.SUCCESS || gone ? RCCallErrorCode.SUCCESS : toCallErrorCode(code) };
  }

  async disableAudioTrack(): Promise<{ code: RCCallErrorCode }> {
    for (const track of this.media?.localTracks ?? []) if (track.isAudioTrack()) track.mute();
    return { code: RCCallErrorCode.SUCCESS };
  }

  async enableAudioTrack(): Promise<{ code: RCCallErrorCode }> {
    for (const track of this.media?.localTracks ?? []) if (track.isAudioTrack()) track.unmute();
    return { code: RCCallErrorCode.SUCCESS };
  }

  /** Invite more users into a group call (CallLib `invite`). Users already in the call are ignored. */
  async invite(
    userIds: string[],
    options: { extra?: string; pushTitle?: string; pushContent?: string } = {},
  ): Promise<{ code: RCCallErrorCode }> {
    assertUserIds(userIds, 'RCCallSession invite');
    if (this.init.conversationType !== ConversationType.GROUP) return { code: RCCallErrorCode.CONVERSATION_NOT_GROUP_ERROR };
    if (userIds.includes(this.init.selfId)) return { code: RCCallErrorCode.PARAM_ERROR };
    const fresh = [...new Set(userIds)].filter((id) => this.users.get(id) === undefined);
    if (fresh.length === 0) return { code: RCCallErrorCode.SUCCESS };
    const result = await this.host.context.request({
      t: 'call.invite_members',
      callId: this.init.callId,
      userIds: fresh,
      ...(options.extra === undefined ? {} : { extra: options.extra }),
      ...this.host.invitePush(this.mediaType, options),
      user: this.host.profile(),
    });
    if (result.code !== RCCallErrorCode.SUCCESS) return { code: toCallErrorCode(result.code) };
    for (const userId of fresh) this.setUser(userId, RCCallUserState.WAITING);
    return { code: RCCallErrorCode.SUCCESS };
  }

  /** Downgrade the call from audio+video to audio (one way); the others get `onMediaModify`. */
  async descendAbility(): Promise<{ code: RCCallErrorCode }> {
    if (this.mediaType === RCCallMediaType.AUDIO) return { code: RCCallErrorCode.SUCCESS };
    const result = await this.host.context.request({
      t: 'call.modify_media',
      callId: this.init.callId,
      mediaType: RCCallMediaType.AUDIO,
      user: this.host.profile(),
    });
    if (result.code !== RCCallErrorCode.SUCCESS) return { code: toCallErrorCode(result.code) };
    await this.downgradeLocally();
    return { code: RCCallErrorCode.SUCCESS };
  }

  private async downgradeLocally(): Promise<void> {
    this.mediaType = RCCallMediaType.AUDIO;
    await this.media?.dropVideo();
  }

  /** Camera off: mute, and with `isOffCameraWhenVideoDisable` (default) unpublish and release the camera. */
  async disableVideoTrack(): Promise<{ code: RCCallErrorCode }> {
    const video = this.media?.localVideo();
    if (!video || !this.media?.getRoom()) return { code: RCCallErrorCode.MISSING_VIDEO_TRACK_ERROR };
    if (this.host.options.isOffCameraWhenVideoDisable === false) {
      video.mute();
      return { code: RCCallErrorCode.SUCCESS };
    }
    const code = await this.media.dropVideo();
    return { code: code === RCRTCCode.SUCCESS ? RCCallErrorCode.SUCCESS : RCCallErrorCode.UNPUBLISH_VIDEO_ERROR };
  }

  /** Camera on again: unmute, or (with `isOffCameraWhenVideoDisable`) capture, publish and report a new track. */
  async enableVideoTrack(): Promise<{ code: RCCallErrorCode }> {
    if (!this.media || this.mediaType !== RCCallMediaType.AUDIO_VIDEO) return { code: RCCallErrorCode.MISSING_VIDEO_TRACK_ERROR };
    const existing = this.media.localVideo();
    if (this.host.options.isOffCameraWhenVideoDisable === false || existing) {
      if (!existing) return { code: RCCallErrorCode.MISSING_VIDEO_TRACK_ERROR };
      existing.unmute();
      return { code: RCCallErrorCode.SUCCESS };
    }
    return this.replaceCamera(this.constraints?.video);
  }

  /**
   * OpenCall extension (CallLib cannot switch cameras mid-call): capture another camera
   * (`{cameraId}` or `{faceMode}`), publish it in place of the current one, then `onTrackReady`.
   */
  async changeVideoDevice(constraints?: ICallConstraints['video']): Promise<{ code: RCCallErrorCode }> {
    assertConstraints(constraints === undefined ? undefined : { video: constraints }, 'RCCallSession changeVideoDevice');
    if (!this.media || this.mediaType !== RCCallMediaType.AUDIO_VIDEO) return { code: RCCallErrorCode.MISSING_VIDEO_TRACK_ERROR };
    this.constraints = { ...this.constraints, ...(constraints === undefined ? {} : { video: constraints }) };
    return this.replaceCamera(constraints ?? this.constraints.video);
  }

  private async replaceCamera(profile: ICallConstraints['video']): Promise<{ code: RCCallErrorCode }> {
    const created = await this.host.rtc.createCameraVideoTrack(CALL_TRACK_TAG, profile);
    if (created.code !== RCRTCCode.SUCCESS || !created.track || !this.media) return { code: RCCallErrorCode.GET_LOCAL_VIDEO_TRACK_ERROR };
    const track = created.track;
    track.mute();
    const code = await this.media.replaceTrack(track);
    if (code !== RCRTCCode.SUCCESS) return { code: RCCallErrorCode.VIDEO_PUBLISH_ERROR };
    track.unmute();
    this.emit('onTrackReady', track, this);
    return { code: RCCallErrorCode.SUCCESS };
  }

  /** Capture another microphone (default device without arguments) and publish it in place of the current one. */
  async changeAudioDevice(audioConstraints?: ICallConstraints['audio']): Promise<{ code: RCCallErrorCode }> {
    assertConstraints(audioConstraints === undefined ? undefined : { audio: audioConstraints }, 'RCCallSession changeAudioDevice');
    const created = await this.host.rtc.createMicrophoneAudioTrack(CALL_TRACK_TAG, audioConstraints);
    if (created.code !== RCRTCCode.SUCCESS || !created.track) return { code: RCCallErrorCode.GET_LOCAL_AUDIO_TRACK_ERROR };
    if (!this.media) {
      created.track.destroy();
      return { code: RCCallErrorCode.GET_LOCAL_AUDIO_TRACK_ERROR };
    }
    const track = created.track;
    this.emit('onTrackReady', track, this);
    const code = await this.media.replaceTrack(track);
    return { code: code === RCRTCCode.SUCCESS ? RCCallErrorCode.SUCCESS : RCCallErrorCode.AUDIO_PUBLISH_ERROR };
  }

  /** @internal A call event for this session from the server. */
  handleEvent(event: CallEvent): void {
    if (this.state === RCCallSessionState.END) return;
    switch (event.type) {
      case 'call.invited':
        break;
      case 'call.ringing':
        if (event.userId === this.init.selfId) break;
        this.mergeProfile(event.userId, event.user);
        this.telemetry?.ringing();
        this.emit('onRinging', this.sender(event.userId), this);
        break;
      case 'call.accepted':
        if (event.rtcSessionId !== undefined) this.rtcSessionId ??= event.rtcSessionId;
        this.remoteAccepted(event.userId, event.user);
        break;
      case 'call.member_left':
        this.mergeProfile(event.userId, event.user);
        this.users.delete(event.userId);
        this.emit('onHungup', this.sender(event.userId, event.user), toRemoteEndReason(event.reason), this);
        break;
      case 'call.ended':
        void this.end(event.reason);
        break;
      case 'call.members_invited':
        this.mergeProfile(event.inviterId, event.user);
        for (const userId of event.userIds) this.setUser(userId, RCCallUserState.WAITING);
        for (const { userId, ...profile } of event.invitedUsers ?? []) this.mergeProfile(userId, profile);
        this.emit(
          'onMemberModify',
          this.sender(event.inviterId),
          event.userIds.map((userId) => this.sender(userId)),
          this,
        );
        break;
      case 'call.media_modified':
        this.mergeProfile(event.userId, event.user);
        void this.downgradeLocally().then(() => this.emit('onMediaModify', this.sender(event.userId), event.mediaType, this));
        break;
      case 'call.offline_record':
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled call event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private remoteAccepted(userId: string, profile: UserProfile | undefined): void {
    this.mergeProfile(userId, profile);
    this.setUser(userId, RCCallUserState.KEEPING);
    const wasWaiting = this.state === RCCallSessionState.WAITING;
    if (this.init.callerId === this.init.selfId) this.setUser(this.init.selfId, RCCallUserState.KEEPING);
    if (this.users.get(this.init.selfId)?.state === RCCallUserState.KEEPING) this.connected();
    this.emit('onAccept', this.sender(userId), this);
    if (wasWaiting && this.state === RCCallSessionState.KEEPING && this.media) void this.media.start();
  }

  private connected(): void {
    if (this.beginTimestamp === 0) this.beginTimestamp = Date.now();
    this.telemetry?.accepted();
    this.state = SESSION_MACHINE.next(this.state, 'connected');
  }

  /** @internal End the session with this client's own reason: leave media, then `onSessionClose`. */
  async end(reason: RCCallEndReason): Promise<void> {
    if (this.state === RCCallSessionState.END) return;
    this.state = SESSION_MACHINE.next(this.state, 'end');
    this.endReason = reason;
    const endTimestamp = Date.now();
    for (const entry of this.users.values()) entry.state = RCCallUserState.NONE;
    // The last batch goes while media stops (it carries the samples taken so far; not awaited by the app's callback).
    void this.telemetry?.stop();
    await this.media?.stop();
    const duration = this.beginTimestamp > 0 && endTimestamp > this.beginTimestamp ? endTimestamp - this.beginTimestamp : 0;
    this.host.sessionClosed(this, {
      conversationType: this.init.conversationType,
      channelId: this.init.channelId,
      targetId: this.init.targetId,
      mediaType: this.mediaType,
      beginTimestamp: this.beginTimestamp,
      endTimestamp,
      duration,
      endReason: this.endReason,
    });
  }

  private sendHangup(reason: RCCallEndReason | undefined, telemetry?: HangupTelemetry) {
    return requestThroughPause(() =>
      this.host.context.request({
        t: 'call.hangup',
        callId: this.init.callId,
        ...(reason === undefined ? {} : { reason }),
        user: this.host.profile(),
        ...this.host.hangupPush(),
        ...(telemetry ? { telemetry } : {}),
      }),
    );
  }

  private setUser(userId: string, state: RCCallUserState): void {
    const entry = this.users.get(userId);
    if (entry) entry.state = state;
    else this.users.set(userId, { state, isCaller: userId === this.init.callerId, profile: undefined });
  }

  private mergeProfile(userId: string, profile: UserProfile | undefined): void {
    const entry = this.users.get(userId);
    if (entry && profile) entry.profile = { ...entry.profile, ...profile };
  }

  private sender(userId: string, profile?: UserProfile): ISenderInfo {
    return { userId, ...(profile ?? this.users.get(userId)?.profile) };
  }

  private emit<K extends keyof ISessionListener<RCCallSession>>(
    name: K,
    ...args: Parameters<NonNullable<ISessionListener<RCCallSession>[K]>>
  ): void {
    const callback = this.listener?.[name] as ((...a: unknown[]) => void) | undefined;
    if (typeof callback !== 'function') return;
    try {
      callback.apply(this.listener, args);
    } catch (error) {
      this.host.context.logger.error(`[RCCallSession] listener ${String(name)} threw`, error);
    }
  }

  private mediaHost() {
    const options = this.host.options;
    return {
      rtc: this.host.rtc,
      joinType: options.joinType ?? 2,
      publishRetries: options.isAllowPublishRetry ? 2 : 0,
      subscribeRetries: options.isAllowSubscribeRetry ? 2 : 0,
      mediaType: () => this.mediaType,
      onTrackReady: (track: CallTrack) => this.emit('onTrackReady', track, this),
      onMuteChange: (track: CallTrack) => {
        const muteUser = {
          userId: track.getUserId(),
          muted: track.isOwnerMuted(),
          kind: track.isAudioTrack() ? ('audio' as const) : ('video' as const),
          trackId: track.getTrackId(),
        };
        this.emit(track.isAudioTrack() ? 'onAudioMuteChange' : 'onVideoMuteChange', muteUser, this);
      },
      onReport: (report: CallStateReport) => this.emit('onRTCStateReport', report, this),
      onConnectionReports: (reports: CallStateReport[]) => this.telemetry?.reports(reports),
      onIceState: (state: string) => {
        this.telemetry?.iceState(state);
        this.emit('onICEConnectionStateChange', state, this);
      },
      onPing: (result: string) => this.emit('onPing', result, this),
      onPublishFail: (code: number) => this.emit('onTrackPublishFail', code, this),
      onSubscribeFail: (code: number) => this.emit('onTrackSubscribeFail', code, this),
      onFatal: (reason: RCCallEndReason) => {
        void this.sendHangup(reason);
        void this.end(reason);
      },
    };
  }
}
