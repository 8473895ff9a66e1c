/**
 * The media half of a call session: joins the RTC room (room id = call id), publishes local tracks,
 * subscribes remote ones and turns RTC room events into CallLib callbacks.
 * Owned by one RCCallSession; `stop()` leaves the room and destroys the local tracks.
 */
import { RCCallEndReason, RCCallMediaType, RCRTCCode } from '@opencall/protocol';
import type { CallLocalTrack, CallRemoteTrack, CallRoom, CallRtcClient, CallStateReport, CallTrack } from './rtc-port.js';

export interface MediaHost {
  rtc: CallRtcClient;
  joinType: number;
  publishRetries: number;
  subscribeRetries: number;
  mediaType(): RCCallMediaType;
  onTrackReady(track: CallTrack): void;
  onMuteChange(track: CallTrack): void;
  onReport(report: CallStateReport): void;
  /** The same stats, one report per media connection (call quality telemetry). */
  onConnectionReports(reports: CallStateReport[]): void;
  onIceState(state: string): void;
  onPing(result: string): void;
  onPublishFail(code: number): void;
  onSubscribeFail(code: number): void;
  /** Media failed beyond repair: the session must end with this reason. */
  onFatal(reason: RCCallEndReason): void;
}

export class SessionMedia {
  private room: CallRoom | undefined;
  private stopped = false;
  /** The join under way or done (`start` / `startEarly`). */
  private starting: Promise<void> | undefined;
  /** `start()` was called: an early join that did not get in is tried again. */
  private startWanted = false;
  private readonly subscribed = new Set<string>();
  /**
   * The owner-muted state the app last heard of, per remote track id. A camera turned off and on again
   * (`isOffCameraWhenVideoDisable`) is unpublished muted and published again under the same id: its
   * unmute can reach this side before the new track does, so the new track carries the state already.
   * Comparing with what the app heard keeps CallLib's order: `onVideoMuteChange(muted: false)`, then
   * `onTrackReady` for the new track.
   */
  private readonly heardMuted = new Map<string, boolean>();

  constructor(
    private readonly callId: string,
    private readonly host: MediaHost,
    public localTracks: CallLocalTrack[],
  ) {}

  getRoom(): CallRoom | undefined {
    return this.room;
  }

  /** Join, subscribe to what is there, publish ours. Resolves once published (or failed). Once only. */
  start(): Promise<void> {
    this.startWanted = true;
    this.starting ??= this.join(false);
    return this.starting;
  }

  /**
   * The caller of a group call, while it rings: join and publish now, so that its media is up when the
   * first invitee answers (the server lets a ringing caller into an SFU room only; invitees subscribe
   * once they answered). A room the server does not open yet (a P2P mesh) is joined by `start()` at
   * the first answer; nothing fails here.
   */
  startEarly(): Promise<void> {
    this.starting ??= this.join(true);
    return this.starting;
  }

  private async join(early: boolean): Promise<void> {
    const joined = await this.host.rtc.joinRTCRoom(this.callId, this.host.joinType);
    if (this.stopped) {
      // The session ended meanwhile: its hang-up (or the call's end) took this device out of the room on the server.
      if (joined.room) await this.host.rtc.__leaveEndedRoom(joined.room);
      return;
    }
    if (early && (joined.code !== RCRTCCode.SUCCESS || !joined.room)) {
      this.starting = undefined;
      if (this.startWanted) await this.start();
      return;
    }
    if (joined.code !== RCRTCCode.SUCCESS || !joined.room) {
      this.host.onFatal(
        joined.code === RCRTCCode.NOT_OPEN_VIDEO_AUDIO_SERVER ? RCCallEndReason.SERVICE_NOT_OPENED : RCCallEndReason.NETWORK_ERROR,
      );
      return;
    }
    const room = joined.room;
    this.room = room;
    room.registerRoomEventListener({
      onTrackPublish: (tracks) => {
        for (const track of tracks) this.noteOwnerMuted(track);
        void this.subscribe(tracks);
      },
      // A track published again later (camera back on) has the same id: it must be subscribed again.
      onTrackUnpublish: (tracks) => {
        for (const track of tracks) this.subscribed.delete(track.getTrackId());
      },
      onTrackReady: (track) => this.trackReady(track),
      onAudioMuteChange: (track) => this.muteChanged(track),
      onVideoMuteChange: (track) => this.muteChanged(track),
      onPing: (result) => this.host.onPing(result),
      onKickOff: (byServer, state) =>
        this.host.onFatal(
          !byServer
            ? RCCallEndReason.NETWORK_ERROR
            : state === 2
              ? RCCallEndReason.OTHER_CLIENT_JOINED_CALL
              : RCCallEndReason.KICKED_BY_SERVER,
        ),
    });
    room.registerReportListener({
      onStateReport: (report) => this.host.onReport(report),
      onConnectionReports: (reports) => this.host.onConnectionReports(reports),
      onICEConnectionStateChange: (state) => this.host.onIceState(state),
    });
    for (const track of room.getRemoteTracks()) this.noteOwnerMuted(track);
    await this.subscribe(room.getRemoteTracks());
    await this.publish(this.localTracks);
  }

  private muteChanged(track: CallTrack): void {
    this.heardMuted.set(track.getTrackId(), track.isOwnerMuted());
    this.host.onMuteChange(track);
  }

  /** A remote track (re)published: report its mute state first when it differs from what the app last heard. */
  private noteOwnerMuted(track: CallTrack): void {
    const heard = this.heardMuted.get(track.getTrackId());
    if (heard === undefined) this.heardMuted.set(track.getTrackId(), track.isOwnerMuted());
    else if (heard !== track.isOwnerMuted() && this.wanted(track)) this.muteChanged(track);
  }

  private wanted(track: CallTrack): boolean {
    return !(track.isVideoTrack() && this.host.mediaType() === RCCallMediaType.AUDIO);
  }

  private trackReady(track: CallTrack): void {
    if (this.stopped || track.isLocalTrack() || !this.wanted(track)) return;
    this.host.onTrackReady(track);
  }

  private async subscribe(tracks: CallRemoteTrack[]): Promise<void> {
    const fresh = tracks.filter((t) => this.wanted(t) && !this.subscribed.has(t.getTrackId()));
    if (!this.room || fresh.length === 0) return;
    for (const track of fresh) this.subscribed.add(track.getTrackId());
    for (let attempt = 0; attempt <= this.host.subscribeRetries; attempt += 1) {
      const { code } = await this.room.subscribe(fresh);
      if (code === RCRTCCode.SUCCESS || this.stopped) return;
      this.host.onSubscribeFail(code);
    }
    this.host.onFatal(RCCallEndReason.SUBSCRIBE_ERROR);
  }

  /** Publish tracks (also used when tracks are replaced mid-call). */
  async publish(tracks: CallLocalTrack[]): Promise<boolean> {
    if (!this.room || tracks.length === 0) return true;
    for (let attempt = 0; attempt <= this.host.publishRetries; attempt += 1) {
      const { code } = await this.room.publish(tracks);
      if (code === RCRTCCode.SUCCESS || this.stopped) return true;
      this.host.onPublishFail(code);
    }
    this.host.onFatal(RCCallEndReason.PUBLISH_ERROR);
    return false;
  }

  /** The local video track, if any. */
  localVideo(): CallLocalTrack | undefined {
    return this.localTracks.find((t) => t.isVideoTrack());
  }

  /** Unpublish (when in the room) and destroy the local video track. Returns the RTC code of the unpublish. */
  async dropVideo(): Promise<number> {
    const video = this.localVideo();
    if (!video) return RCRTCCode.SUCCESS;
    video.mute();
    const { code } = this.room ? await this.room.unpublish([video]) : { code: RCRTCCode.SUCCESS };
    video.destroy();
    this.localTracks = this.localTracks.filter((t) => t !== video);
    return code;
  }

  /** Put `track` in place of the local tracks of its kind (destroying them) and publish it when in the room. */
  async replaceTrack(track: CallLocalTrack): Promise<number> {
    const sameKind = (t: CallLocalTrack) => t.isVideoTrack() === track.isVideoTrack();
    const old = this.localTracks.filter(sameKind);
    this.localTracks = [...this.localTracks.filter((t) => !sameKind(t)), track];
    const { code } = this.room ? await this.room.publish([track]) : { code: RCRTCCode.SUCCESS };
    for (const t of old) t.destroy();
    return code;
  }

  /**
   * The session ended: leave the room (if joined) and destroy every local track. Idempotent. Every
   * end either sent a hang-up or came from the server, which takes the device out of the room with it,
   * so no `rtc.leave` is sent (one request and one answer fewer per call).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const track of this.localTracks) track.destroy();
    const room = this.room;
    this.room = undefined;
    if (room) {
      room.registerRoomEventListener(null);
      room.registerReportListener(null);
      await this.host.rtc.__leaveEndedRoom(room);
    }
  }
}
