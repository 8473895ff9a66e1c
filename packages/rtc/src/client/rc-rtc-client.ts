/** `RCRTCClient`: what `installPlugin(RCRTC.installer, options)` returns. */
import type { PluginContext } from '@opencall/imlib';
import { RCConnectionStatus, RCRTCCode } from '@opencall/protocol';
import { isValidTag, RCTag } from '../ids.js';
import type { RtcLogger } from '../logger.js';
import {
  audioConstraints,
  captureErrorCode,
  checkAudioProfile,
  checkVideoProfile,
  videoConstraints,
} from '../media/capture-constraints.js';
import type { CaptureRequest, MediaCapture } from '../media/media-capture.js';
import { isMediaTrackLike, type MediaTrackLike } from '../media/media-track-like.js';
import type { ResolvedRtcOptions } from '../options.js';
import { RCRTCRoom } from '../room/rc-rtc-room.js';
import {
  RCCameraVideoTrack,
  RCLocalAudioTrack,
  type RCLocalTrack,
  RCLocalVideoTrack,
  RCMicphoneAudioTrack,
} from '../tracks/local-tracks.js';
import type { RCRemoteTrack } from '../tracks/remote-tracks.js';
import type { TransportFactory } from '../transport/media-transport.js';
import { createRoomSignaling } from '../transport/room-signaling.js';
import type { ICameraVideoProfile, IMicphoneAudioProfile, IRTCJoinedInfo } from '../types.js';

export interface RCRTCClientDeps {
  transportFactory: TransportFactory;
  capture: MediaCapture;
  logger: RtcLogger;
}

/** IM-level failures seen by RTC requests, as RTCLib codes; server codes pass through. */
function toRtcCode(code: number): number {
  switch (code) {
    case 30001: // RC_NET_CHANNEL_INVALID
    case 30002: // RC_NET_UNAVAILABLE
    case 30004: // RC_PING_TIMEOUT
      return RCRTCCode.SIGNAL_DISCONNECTED;
    case 30003: // TIMEOUT
      return RCRTCCode.REQUEST_FAILED;
    default:
      return code;
  }
}

const ROOM_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class RCRTCClient {
  readonly #context: PluginContext;
  readonly #options: ResolvedRtcOptions;
  readonly #deps: RCRTCClientDeps;
  readonly #rooms = new Map<string, { room: RCRTCRoom; joinTime: number }>();

  constructor(context: PluginContext, options: ResolvedRtcOptions, deps: RCRTCClientDeps) {
    this.#context = context;
    this.#options = options;
    this.#deps = deps;
  }

  /** The connected user id. */
  getCurrentId(): string {
    return this.#context.getCurrentId();
  }

  /** Captures the microphone. */
  async createMicrophoneAudioTrack(
    tag: string = RCTag.DEFAULT,
    profile?: IMicphoneAudioProfile,
  ): Promise<{ code: RCRTCCode; track?: RCMicphoneAudioTrack }> {
    if (!isValidTag(tag)) return { code: RCRTCCode.INVALID_TAGS };
    if (checkAudioProfile(profile)) return { code: RCRTCCode.PARAMS_ERROR };
    const result = await this.#capture({ audio: audioConstraints(profile) });
    if (result.code !== RCRTCCode.SUCCESS) return { code: result.code };
    return { code: RCRTCCode.SUCCESS, track: new RCMicphoneAudioTrack(tag, this.getCurrentId(), result.tracks[0]!) };
  }

  /** Captures the camera (default 640×480 at 15 fps). */
  async createCameraVideoTrack(
    tag: string = RCTag.DEFAULT,
    profile?: ICameraVideoProfile,
  ): Promise<{ code: RCRTCCode; track?: RCCameraVideoTrack }> {
    if (!isValidTag(tag)) return { code: RCRTCCode.INVALID_TAGS };
    if (checkVideoProfile(profile)) return { code: RCRTCCode.PARAMS_ERROR };
    const result = await this.#capture({ video: videoConstraints(profile) });
    if (result.code !== RCRTCCode.SUCCESS) return { code: result.code };
    return { code: RCRTCCode.SUCCESS, track: new RCCameraVideoTrack(tag, this.getCurrentId(), result.tracks[0]!) };
  }

  /** Captures microphone and camera in one permission prompt. `tracks` is `[audio, video]`. */
  async createMicrophoneAndCameraTracks(
    tag: string = RCTag.DEFAULT,
    profile: { audio?: IMicphoneAudioProfile; video?: ICameraVideoProfile } = {},
  ): Promise<{ code: RCRTCCode; tracks: RCLocalTrack[] }> {
    if (!isValidTag(tag)) return { code: RCRTCCode.INVALID_TAGS, tracks: [] };
    if (checkAudioProfile(profile?.audio) || checkVideoProfile(profile?.video)) return { code: RCRTCCode.PARAMS_ERROR, tracks: [] };
    const result = await this.#capture({ audio: audioConstraints(profile.audio), video: videoConstraints(profile.video) });
    if (result.code !== RCRTCCode.SUCCESS) return { code: result.code, tracks: [] };
    const userId = this.getCurrentId();
    const audio = result.tracks.find((t) => t.kind === 'audio')!;
    const video = result.tracks.find((t) => t.kind === 'video')!;
    return { code: RCRTCCode.SUCCESS, tracks: [new RCMicphoneAudioTrack(tag, userId, audio), new RCCameraVideoTrack(tag, userId, video)] };
  }

  /** Wraps an app's audio `MediaStreamTrack`. */
  async createLocalAudioTrack(tag: string, track: MediaStreamTrack): Promise<{ code: RCRTCCode; track?: RCLocalAudioTrack }> {
    if (!isValidTag(tag)) return { code: RCRTCCode.INVALID_TAGS };
    if (!isMediaTrackLike(track, 'audio')) return { code: RCRTCCode.CREATE_CUSTOM_TRACK_FAILED };
    return { code: RCRTCCode.SUCCESS, track: new RCLocalAudioTrack(tag, this.getCurrentId(), track as MediaTrackLike) };
  }

  /** Wraps an app's video `MediaStreamTrack`. */
  async createLocalVideoTrack(tag: string, track: MediaStreamTrack): Promise<{ code: RCRTCCode; track?: RCLocalVideoTrack }> {
    if (!isValidTag(tag)) return { code: RCRTCCode.INVALID_TAGS };
    if (!isMediaTrackLike(track, 'video')) return { code: RCRTCCode.CREATE_CUSTOM_TRACK_FAILED };
    return { code: RCRTCCode.SUCCESS, track: new RCLocalVideoTrack(tag, this.getCurrentId(), track as MediaTrackLike) };
  }

  /**
   * Joins a media room (for calls: the call id, after answering). `joinType` is accepted for
   * compatibility; the server decides what happens to this user's other devices.
   */
  async joinRTCRoom(
    roomId: string,
    _joinType?: number,
    _outerUserDatas?: unknown,
    _useMutilPeerC?: boolean,
  ): Promise<{ code: RCRTCCode; room?: RCRTCRoom; userIds?: string[]; tracks?: RCRemoteTrack[] }> {
    if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) return { code: RCRTCCode.PARAMS_ERROR };
    if (this.#rooms.has(roomId)) return { code: RCRTCCode.REPERT_JOIN_ROOM };
    if (this.#context.getConnectionStatus() !== RCConnectionStatus.CONNECTED) return { code: RCRTCCode.SIGNAL_DISCONNECTED };
    const joinTime = Date.now();
    const transport = this.#deps.transportFactory({ signaling: createRoomSignaling(this.#context), logger: this.#deps.logger });
    const room = new RCRTCRoom(roomId, joinTime, {
      transport,
      logger: this.#deps.logger,
      pingGap: this.#options.pingGap,
      reportInterval: this.#options.statsReportInterval,
      isConnected: () => this.#context.getConnectionStatus() === RCConnectionStatus.CONNECTED,
    });
    this.#rooms.set(roomId, { room, joinTime });
    const { code, userIds } = await room.__join(roomId);
    if (code !== RCRTCCode.SUCCESS) {
      this.#rooms.delete(roomId);
      this.#deps.logger.warn(`join ${roomId} failed with ${code}`);
      return { code: toRtcCode(code) as RCRTCCode };
    }
    this.#deps.logger.info(`joined ${roomId} with ${userIds.length} remote user(s)`);
    return { code: RCRTCCode.SUCCESS, room, userIds, tracks: room.getRemoteTracks() };
  }

  /** Leaves a room: unpublishes local tracks (without destroying them) and closes its media. */
  leaveRoom(room: RCRTCRoom): Promise<{ code: RCRTCCode }> {
    return this.#leave(room, false);
  }

  /**
   * Internal (RCCall): leaves the room of a call that ended for this device — the server took it out
   * with its hang-up or the call's end, so the media closes here and no `rtc.leave` is sent.
   */
  __leaveEndedRoom(room: RCRTCRoom): Promise<{ code: RCRTCCode }> {
    return this.#leave(room, true);
  }

  async #leave(room: RCRTCRoom, serverLeft: boolean): Promise<{ code: RCRTCCode }> {
    if (!(room instanceof RCRTCRoom)) return { code: RCRTCCode.PARAMS_ERROR };
    const entry = this.#rooms.get(room.getRoomId());
    if (!entry || entry.room !== room) return { code: RCRTCCode.SUCCESS };
    this.#rooms.delete(room.getRoomId());
    await room.__leave({ serverLeft });
    return { code: RCRTCCode.SUCCESS };
  }

  /** Rooms this client is in (this device only). */
  async getJoinedRoomInfo(): Promise<{ code: RCRTCCode; data?: IRTCJoinedInfo[] }> {
    const deviceId = this.#context.getDeviceId();
    const data = [...this.#rooms.entries()].map(([roomId, { joinTime }]) => ({ deviceId, roomId, joinTime }));
    return { code: RCRTCCode.SUCCESS, data };
  }

  async #capture(request: CaptureRequest): Promise<{ code: RCRTCCode; tracks: MediaTrackLike[] }> {
    try {
      const tracks = await this.#deps.capture.capture(request);
      const missing = (['audio', 'video'] as const).some((kind) => request[kind] && !tracks.some((t) => t.kind === kind));
      if (missing) {
        for (const t of tracks) t.stop();
        return { code: RCRTCCode.GET_USER_MEDIA_FAILED, tracks: [] };
      }
      return { code: RCRTCCode.SUCCESS, tracks };
    } catch (error) {
      this.#deps.logger.warn('capture failed', error);
      return { code: captureErrorCode(error), tracks: [] };
    }
  }
}
