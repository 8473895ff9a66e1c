/**
 * CallKitController: the bridge between CallLib and the CallKit screens. It gives the app the
 * `onSession` / `onSessionClose` options to install `RCCall` with, listens to the session, keeps the
 * `CallModel`, and carries out the buttons' actions through the public session API only.
 */
import { pickActiveSpeaker } from './active-speaker.js';
import { type CallModel, emptyModel, type ModelChange, type ParticipantView } from './call-model.js';
import { ConnectionWatch } from './connection-watch.js';
import { audioLevelsByUser, qualityByUser } from './quality.js';
import type { CallKitSdk, IEndSummary, IMuteUser, IRCRTCStateReport, ISenderInfo, RCCallClient, RCCallSession, RCTrack } from './sdk.js';
import { TonePlayer } from './tones.js';
import { type ViewEvent, viewMachine } from './view-machine.js';

export interface UserInfo {
  name?: string;
  portraitUri?: string;
}

export interface CallKitOptions {
  sdk: CallKitSdk;
  /** Looks a user's name and avatar up (e.g. from the app's server); the profile the caller registered is used first. */
  resolveUser?: (userId: string) => Promise<UserInfo | undefined> | UserInfo | undefined;
  /**
   * Runs before a group invite is sent, e.g. to add the users to the group on the app's server
   * (the server only rings group members). A throw cancels the invite.
   */
  beforeInvite?: (groupId: string, userIds: string[]) => Promise<void> | void;
  /** Play ringtone and ringback (default true). */
  tones?: boolean;
  /** How long the end screen stays before it closes itself, in ms (default 6000; 0 = until closed). */
  endScreenMs?: number;
}

type ChangeListener = (model: CallModel, change: ModelChange) => void;

/** Camera capture profile for `changeVideoDevice` (CallLib requires both fields). */
const CAMERA_PROFILE = { frameRate: 'FPS_15', resolution: 'W640_H480' } as const;

export class CallKitController {
  readonly model: CallModel = emptyModel();
  private client: RCCallClient | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private readonly tones = new TonePlayer();
  private readonly trackOwners = new Map<string, string>();
  private readonly userInfo = new Map<string, UserInfo>();
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly connection = new ConnectionWatch(() => this.updateBanner());
  private cameraIndex = 0;
  private speakerId: string | undefined;

  constructor(private readonly options: CallKitOptions) {
    this.connection.watch(options.sdk.RongIMLib);
  }

  /** Spread into `RongIMLib.installPlugin(RCCall.installer, { rtcClient, ...kit.installOptions() })`. */
  installOptions(): {
    onSession: (session: RCCallSession) => void;
    onSessionClose: (session: RCCallSession, summary?: IEndSummary) => void;
  } {
    return {
      onSession: (session) => this.onSession(session),
      onSessionClose: (session, summary) => this.onSessionClose(session, summary),
    };
  }

  /** The call client `installPlugin` returned (needed to place calls). */
  attach(client: RCCallClient, selfId: string): void {
    this.client = client;
    this.model.selfId = selfId;
    void this.lookUp(selfId);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls one user. Resolves with the CallLib error code (`SUCCESS` when ringing). */
  async call(targetId: string, video = true): Promise<number> {
    return this.dial(false, [targetId], video, (listener, mediaType) => this.requireClient().call({ targetId, mediaType, listener }));
  }

  /** Calls `userIds` of group `groupId`. */
  async callGroup(groupId: string, userIds: string[], video = true): Promise<number> {
    return this.dial(true, userIds, video, (listener, mediaType) =>
      this.requireClient().callInGroup({ targetId: groupId, userIds, mediaType, listener }),
    );
  }

  get sdk(): CallKitSdk {
    return this.options.sdk;
  }

  // ---- button actions ----------------------------------------------------------------------

  async accept(audioOnly = false): Promise<void> {
    const session = this.model.session;
    if (!session || this.model.view !== 'incoming') return;
    this.tones.stop();
    this.move('accept');
    const { code } = await session.accept();
    if (code !== this.sdk.RCCall.RCCallErrorCode.SUCCESS) return;
    this.connected();
    if (audioOnly && this.model.video) await this.downgrade();
  }

  async hangup(): Promise<void> {
    this.tones.stop();
    await this.model.session?.hungup();
  }

  async toggleMic(): Promise<void> {
    const session = this.model.session;
    if (!session) return;
    const muted = !this.model.micMuted;
    await (muted ? session.disableAudioTrack() : session.enableAudioTrack());
    this.model.micMuted = muted;
    this.emit('controls');
  }

  async toggleCamera(): Promise<void> {
    const session = this.model.session;
    if (!session || !this.model.video) return;
    const off = !this.model.cameraOff;
    const { code } = await (off ? session.disableVideoTrack() : session.enableVideoTrack());
    if (code !== this.sdk.RCCall.RCCallErrorCode.SUCCESS) return;
    this.model.cameraOff = off;
    if (off) this.model.localVideo = undefined;
    this.emit('controls');
  }

  /** Next camera in the device list (front/back on phones). */
  async switchCamera(): Promise<void> {
    const cameras = (await this.sdk.RCRTC?.device.getCameras()) ?? [];
    if (cameras.length <= 1) return this.useCamera(undefined);
    this.cameraIndex = (this.cameraIndex + 1) % cameras.length;
    return this.useCamera(cameras[this.cameraIndex]?.deviceId);
  }

  async useCamera(deviceId: string | undefined): Promise<void> {
    const session = this.model.session;
    if (!session || !this.model.video || this.model.cameraOff) return;
    const profile = deviceId ? { ...CAMERA_PROFILE, cameraId: deviceId } : undefined;
    await session.changeVideoDevice(profile as Parameters<RCCallSession['changeVideoDevice']>[0]);
  }

  async useMicrophone(deviceId: string | undefined): Promise<void> {
    await this.model.session?.changeAudioDevice(deviceId ? { micphoneId: deviceId } : undefined);
    if (this.model.micMuted) await this.model.session?.disableAudioTrack();
  }

  /** Output device for every remote audio track (`setSinkId` where the browser has it). */
  async useSpeaker(deviceId: string | undefined): Promise<void> {
    this.speakerId = deviceId;
    await Promise.all([...this.model.participants.values()].map((p) => p.audioTrack?.play(undefined, { audioDeviceId: deviceId ?? '' })));
  }

  get currentSpeakerId(): string | undefined {
    return this.speakerId;
  }

  async downgrade(): Promise<void> {
    const session = this.model.session;
    if (!session || !this.model.video) return;
    const { code } = await session.descendAbility();
    if (code === this.sdk.RCCall.RCCallErrorCode.SUCCESS) this.toAudio();
  }

  async invite(userIds: string[]): Promise<number> {
    const session = this.model.session;
    if (!session || !this.model.group) return this.sdk.RCCall.RCCallErrorCode.SUCCESS;
    const fresh = userIds.filter((id) => id && id !== this.model.selfId && !this.model.participants.has(id));
    if (fresh.length === 0) return this.sdk.RCCall.RCCallErrorCode.SUCCESS;
    await this.options.beforeInvite?.(session.getTargetId(), fresh);
    const { code } = await session.invite(fresh);
    if (code === this.sdk.RCCall.RCCallErrorCode.SUCCESS) {
      for (const userId of fresh) this.upsertParticipant(userId, { waiting: true });
      this.emit('participants');
    }
    return code;
  }

  /** Closes the end screen. */
  dismiss(): void {
    if (this.model.view !== 'ended') return;
    this.clearEndTimer();
    this.move('dismiss');
  }

  displayName(userId: string): string {
    return this.userInfo.get(userId)?.name || this.model.participants.get(userId)?.name || userId;
  }

  avatarOf(userId: string): string | undefined {
    return this.userInfo.get(userId)?.portraitUri || this.model.participants.get(userId)?.portraitUri;
  }

  destroy(): void {
    this.tones.close();
    this.clearEndTimer();
    this.listeners.clear();
  }

  // ---- CallLib callbacks -------------------------------------------------------------------

  private onSession(session: RCCallSession): void {
    if (this.model.session && this.model.view !== 'ended') {
      // Busy: CallLib ends this one itself (BUSY_LINE); it only needs a listener.
      session.registerSessionListener(this.listenerFor(() => session));
      return;
    }
    session.registerSessionListener(this.listenerFor(() => session));
    this.begin(session, session.getConversationType() === 3, session.getMediaType() === this.sdk.RCCall.RCCallMediaType.AUDIO_VIDEO);
    this.model.callerId = session.getCallerId();
    this.syncRemoteUsers(session);
    this.move('ring');
    if (this.options.tones !== false) this.tones.start('ringtone');
  }

  private onSessionClose(session: RCCallSession, summary?: IEndSummary): void {
    if (session !== this.model.session) return;
    this.tones.stop();
    this.model.endReason = summary?.endReason ?? null;
    this.model.duration = summary?.duration ?? 0;
    this.model.reconnecting = false;
    this.connection.resetMedia();
    if (viewMachine.can(this.model.view, 'end')) this.move('end');
    const wait = this.options.endScreenMs ?? 6000;
    if (wait > 0) this.endTimer = setTimeout(() => this.dismiss(), wait);
  }

  /**
   * The session listener. `own()` is the session it belongs to: undefined while an outgoing call is
   * being placed (its first local track is ready before `call` resolves), which then counts as ours.
   */
  private listenerFor(own: () => RCCallSession | undefined) {
    const mine = () => {
      const session = own();
      return session === undefined ? this.model.session === undefined && this.model.view === 'outgoing' : session === this.model.session;
    };
    return {
      onRinging: (sender: ISenderInfo) => {
        if (mine()) this.upsertParticipant(sender.userId, { ...profileOf(sender), waiting: true });
      },
      onAccept: (sender: ISenderInfo) => {
        if (!mine()) return;
        this.upsertParticipant(sender.userId, { ...profileOf(sender), waiting: false });
        this.connected();
      },
      onHungup: (sender: ISenderInfo) => {
        if (!mine()) return;
        this.model.participants.delete(sender.userId);
        if (this.model.activeSpeaker === sender.userId) this.model.activeSpeaker = undefined;
        this.emit('participants');
      },
      onTrackReady: (track: RCTrack) => {
        if (mine()) this.trackReady(track);
      },
      onMemberModify: (sender: ISenderInfo, invited: ISenderInfo[]) => {
        if (!mine()) return;
        this.upsertParticipant(sender.userId, profileOf(sender));
        for (const user of invited)
          if (user.userId !== this.model.selfId) this.upsertParticipant(user.userId, { ...profileOf(user), waiting: true });
        this.emit('participants');
      },
      onMediaModify: () => {
        if (mine()) this.toAudio();
      },
      onAudioMuteChange: (user: IMuteUser) => {
        if (mine()) this.upsertParticipant(user.userId, { audioMuted: user.muted });
      },
      onVideoMuteChange: (user: IMuteUser) => {
        if (mine()) this.upsertParticipant(user.userId, { videoMuted: user.muted });
      },
      onRTCStateReport: (report: IRCRTCStateReport) => {
        if (mine()) this.stateReport(report);
      },
      onICEConnectionStateChange: (state: string) => {
        if (mine()) this.connection.ice(state);
      },
      onPing: (result: string) => {
        if (mine()) this.connection.ping(result);
      },
    };
  }

  // ---- model updates -----------------------------------------------------------------------

  private async dial(
    group: boolean,
    userIds: string[],
    video: boolean,
    place: (
      listener: ReturnType<CallKitController['listenerFor']>,
      mediaType: number,
    ) => Promise<{ code: number; session?: RCCallSession }>,
  ): Promise<number> {
    const { RCCallMediaType, RCCallErrorCode } = this.sdk.RCCall;
    if (this.model.session && this.model.view !== 'ended') return RCCallErrorCode.SUCCESS;
    this.clearEndTimer();
    let placed: RCCallSession | undefined;
    const listener = this.listenerFor(() => placed);
    this.begin(undefined, group, video);
    this.model.callerId = this.model.selfId;
    for (const userId of userIds) this.upsertParticipant(userId, { waiting: true });
    this.move('dial');
    if (this.options.tones !== false) this.tones.start('ringback');
    const result = await place(listener, video ? RCCallMediaType.AUDIO_VIDEO : RCCallMediaType.AUDIO);
    if (result.code !== RCCallErrorCode.SUCCESS || !result.session) {
      this.tones.stop();
      this.model.endReason = null;
      this.move('end');
      return result.code;
    }
    placed = result.session;
    this.model.session = result.session;
    return result.code;
  }

  private begin(session: RCCallSession | undefined, group: boolean, video: boolean): void {
    const selfId = this.model.selfId;
    Object.assign(this.model, emptyModel(selfId), { view: this.model.view, session, group, video });
    this.trackOwners.clear();
    this.connection.resetMedia();
  }

  private syncRemoteUsers(session: RCCallSession): void {
    for (const user of session.getRemoteUsers()) {
      this.upsertParticipant(user.userId, { ...profileOf(user), waiting: user.state !== 2 });
    }
  }

  private upsertParticipant(userId: string, patch: Partial<ParticipantView>): void {
    if (userId === this.model.selfId) return;
    const known = this.model.participants.get(userId);
    const next: ParticipantView = {
      ...(known ?? { userId, waiting: true, audioMuted: false, videoMuted: false, quality: 'unknown', videoVersion: 0 }),
      ...stripUndefined(patch),
    };
    this.model.participants.set(userId, next);
    if (!known) void this.lookUp(userId);
    this.emit('participants');
  }

  private async lookUp(userId: string): Promise<void> {
    if (!this.options.resolveUser || this.userInfo.has(userId)) return;
    try {
      const info = await this.options.resolveUser(userId);
      if (info) {
        this.userInfo.set(userId, info);
        this.emit('participants');
      }
    } catch {
      // No profile: the user id is shown.
    }
  }

  private trackReady(track: RCTrack): void {
    this.trackOwners.set(track.getTrackId(), track.getUserId());
    if (track.isLocalTrack()) {
      if (track.isVideoTrack()) {
        this.model.localVideo = track;
        this.model.localVideoVersion += 1;
        this.emit('media');
      }
      return;
    }
    const userId = track.getUserId();
    const version = (this.model.participants.get(userId)?.videoVersion ?? 0) + 1;
    this.upsertParticipant(
      userId,
      track.isVideoTrack() ? { videoTrack: track, videoVersion: version, waiting: false } : { audioTrack: track, waiting: false },
    );
    if (track.isAudioTrack()) void track.play(undefined, { audioDeviceId: this.speakerId ?? '' });
    this.emit('media');
  }

  private connected(): void {
    this.tones.stop();
    if (this.model.connectedAt === undefined) this.model.connectedAt = Date.now();
    if (viewMachine.can(this.model.view, 'connected')) this.move('connected');
  }

  private toAudio(): void {
    this.model.video = false;
    this.model.localVideo = undefined;
    for (const p of this.model.participants.values()) p.videoTrack = undefined;
    this.emit('screen');
  }

  private stateReport(report: IRCRTCStateReport): void {
    const selfId = this.model.selfId;
    for (const [userId, quality] of qualityByUser(report, selfId, this.trackOwners)) {
      if (userId === selfId) this.model.localQuality = quality;
      else {
        const p = this.model.participants.get(userId);
        if (p) p.quality = quality;
      }
    }
    this.emit('quality');
    const speaker = pickActiveSpeaker(audioLevelsByUser(report, selfId, this.trackOwners), this.model.activeSpeaker);
    if (speaker !== this.model.activeSpeaker) {
      this.model.activeSpeaker = speaker;
      this.emit('speaker');
    }
  }

  private updateBanner(): void {
    const inCall = this.model.view === 'active' || this.model.view === 'connecting' || this.model.view === 'outgoing';
    const reconnecting = inCall && this.connection.recovering;
    if (reconnecting === this.model.reconnecting) return;
    this.model.reconnecting = reconnecting;
    this.emit('banner');
  }

  private move(event: ViewEvent): void {
    this.model.view = viewMachine.next(this.model.view, event);
    if (this.model.view === 'idle') {
      Object.assign(this.model, emptyModel(this.model.selfId));
    }
    this.emit('screen');
  }

  private emit(change: ModelChange): void {
    for (const listener of this.listeners) {
      try {
        listener(this.model, change);
      } catch (error) {
        console.error('RCCallKit: a change listener threw', error);
      }
    }
  }

  private requireClient(): RCCallClient {
    if (!this.client) throw new Error('RCCallKit: call attach(callClient, userId) after installing RCCall');
    return this.client;
  }

  private clearEndTimer(): void {
    if (this.endTimer !== undefined) clearTimeout(this.endTimer);
    this.endTimer = undefined;
  }
}

function profileOf(user: { name?: string; portraitUri?: string }): Partial<ParticipantView> {
  return { ...(user.name ? { name: user.name } : {}), ...(user.portraitUri ? { portraitUri: user.portraitUri } : {}) };
}

function stripUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
