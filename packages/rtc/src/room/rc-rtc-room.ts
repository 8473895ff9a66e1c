/**
 * `RCRTCRoom`: one joined media room. It owns its transport (closed on leave) and the remote
 * tracks; local tracks stay the app's (leaving unpublishes them, it never destroys them).
 *
 * Remote track lifecycle: `onTrackPublish` when the owner's track is announced → `subscribe` →
 * `onTrackReady` once the media is there → `onTrackUnpublish` when it goes away.
 */
import { RCRTCCode, RCRTCPingResult } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import { RCLocalTrack } from '../tracks/local-tracks.js';
import { RCRemoteAudioTrack, type RCRemoteTrack, RCRemoteVideoTrack } from '../tracks/remote-tracks.js';
import type { IceState, LocalTrackHandle, MediaTransport, RemoteTrackInfo } from '../transport/media-transport.js';
import { mergeStateReports } from '../transport/stats/merge-state-reports.js';
import { callSafely } from '../util/call-safely.js';
import type { IRCRTCReportListener, IRoomEventListener } from './room-listeners.js';

export interface RoomDeps {
  transport: MediaTransport;
  logger: RtcLogger;
  pingGap: number;
  /** Time between two `onStateReport` calls (ms, the installer's `statsReportInterval`). */
  reportInterval: number;
  /** Whether the signaling connection is up (drives `onPing`). */
  isConnected(): boolean;
}

type Timer = ReturnType<typeof setInterval>;
const unref = (t: Timer): Timer => {
  (t as { unref?: () => void }).unref?.();
  return t;
};

export type PublishItem = RCLocalTrack | { track: RCLocalTrack; pubTiny?: boolean };
export type SubscribeItem = RCRemoteTrack | { track: RCRemoteTrack; subTiny?: boolean };

export class RCRTCRoom {
  readonly #roomId: string;
  readonly #sessionId: string;
  readonly #deps: RoomDeps;
  readonly #remoteUsers = new Set<string>();
  readonly #remoteTracks = new Map<string, RCRemoteTrack>();
  readonly #localTracks = new Map<string, RCLocalTrack>();
  /** Media last announced with onTrackReady, per track. */
  readonly #announcedMedia = new WeakMap<RCRemoteTrack, MediaTrackLike>();
  #listener: IRoomEventListener | null = null;
  #reportListener: IRCRTCReportListener | null = null;
  #pendingPublish: RCRemoteTrack[] = [];
  #pendingUnpublish: RCRemoteTrack[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #reportTimer: Timer | undefined;
  #pingTimer: Timer | undefined;
  #left = false;

  constructor(roomId: string, joinTime: number, deps: RoomDeps) {
    this.#roomId = roomId;
    this.#sessionId = `${roomId}_${joinTime}`;
    this.#deps = deps;
    this.#wireTransport();
  }

  getRoomId(): string {
    return this.#roomId;
  }

  /** The room session id (room id + join time). */
  getSessionId(): string {
    return this.#sessionId;
  }

  getRemoteUserIds(): string[] {
    return [...this.#remoteUsers];
  }

  getRemoteTracks(): RCRemoteTrack[] {
    return [...this.#remoteTracks.values()];
  }

  getRemoteTracksByUserId(userId: string): RCRemoteTrack[] {
    return this.getRemoteTracks().filter((t) => t.getUserId() === userId);
  }

  getLocalTracks(): RCLocalTrack[] {
    return [...this.#localTracks.values()];
  }

  registerRoomEventListener(listener: IRoomEventListener | null): void {
    this.#listener = listener;
  }

  registerReportListener(listener: IRCRTCReportListener | null): void {
    this.#reportListener = listener;
    if (listener && !this.#reportTimer && !this.#left) {
      this.#reportTimer = unref(setInterval(() => void this.#report(), this.#deps.reportInterval));
    } else if (!listener && this.#reportTimer) {
      clearInterval(this.#reportTimer);
      this.#reportTimer = undefined;
    }
  }

  /** Publishes local tracks to everyone in the room. */
  async publish(items: PublishItem[]): Promise<{ code: RCRTCCode; failedTracks?: RCLocalTrack[] }> {
    if (this.#left) return { code: RCRTCCode.NOT_IN_ROOM };
    if (!Array.isArray(items)) return { code: RCRTCCode.PARAMS_ERROR };
    const tracks = items.map((i) => (i instanceof RCLocalTrack ? i : i?.track));
    const failed: RCLocalTrack[] = [];
    const handles: LocalTrackHandle[] = [];
    const toPublish: RCLocalTrack[] = [];
    for (const track of tracks) {
      if (!(track instanceof RCLocalTrack)) return { code: RCRTCCode.PARAMS_ERROR };
      const media = track.__getMediaStreamTrack();
      if (!track.isReady() || !media) {
        failed.push(track);
        continue;
      }
      const previous = this.#localTracks.get(track.getTrackId());
      if (previous === track) continue;
      if (previous) await this.unpublish([previous]);
      toPublish.push(track);
      handles.push({
        trackId: track.getTrackId(),
        streamId: track.getStreamId(),
        tag: track.getTag(),
        kind: track.isAudioTrack() ? 'audio' : 'video',
        track: media,
        muted: track.isLocalMuted(),
      });
    }
    if (handles.length > 0) {
      const result = await this.#deps.transport.publish(handles);
      for (const track of toPublish) {
        if (result.failed.includes(track.getTrackId())) {
          failed.push(track);
          continue;
        }
        this.#localTracks.set(track.getTrackId(), track);
        track.__setPublished(
          true,
          (t, muted) => this.#deps.transport.setTrackMuted(t.getTrackId(), muted),
          (t) => this.#deps.transport.setMaxBitrate(t.getTrackId(), t.getBitrate().max),
        );
        if (track.getBitrate().max !== undefined) void this.#deps.transport.setMaxBitrate(track.getTrackId(), track.getBitrate().max);
      }
    }
    if (failed.length === 0) return { code: RCRTCCode.SUCCESS };
    const code = failed.length === tracks.length ? RCRTCCode.TRACK_NOT_READY : RCRTCCode.SOME_TRACKS_PUBLISH_FAILED;
    return { code, failedTracks: failed };
  }

  async unpublish(tracks: RCLocalTrack[]): Promise<{ code: RCRTCCode }> {
    if (this.#left) return { code: RCRTCCode.NOT_IN_ROOM };
    if (!Array.isArray(tracks)) return { code: RCRTCCode.PARAMS_ERROR };
    const ids: string[] = [];
    for (const track of tracks) {
      if (!(track instanceof RCLocalTrack)) return { code: RCRTCCode.PARAMS_ERROR };
      if (this.#localTracks.get(track.getTrackId()) !== track) continue;
      this.#localTracks.delete(track.getTrackId());
      track.__setPublished(false);
      ids.push(track.getTrackId());
    }
    if (ids.length === 0) return { code: RCRTCCode.SUCCESS };
    const { code } = await this.#deps.transport.unpublish(ids);
    return { code: code as RCRTCCode };
  }

  /** Starts receiving remote tracks; `onTrackReady` follows for each once its media is there. */
  async subscribe(items: SubscribeItem[]): Promise<{ code: RCRTCCode; failedList?: SubscribeItem[] }> {
    if (this.#left) return { code: RCRTCCode.NOT_IN_ROOM };
    if (!Array.isArray(items)) return { code: RCRTCCode.PARAMS_ERROR };
    const failedList: SubscribeItem[] = [];
    const wanted: RCRemoteTrack[] = [];
    for (const item of items) {
      const track = this.#remoteTracks.get(itemTrack(item)?.getTrackId?.() ?? '');
      if (!track || track !== itemTrack(item)) failedList.push(item);
      else wanted.push(track);
    }
    if (wanted.length > 0) {
      const result = await this.#deps.transport.subscribe(wanted.map((t) => t.getTrackId()));
      if (result.code !== RCRTCCode.SUCCESS) return { code: result.code as RCRTCCode, failedList: items };
      for (const track of wanted) {
        if (result.failed.includes(track.getTrackId())) {
          failedList.push(track);
          continue;
        }
        track.__setSubscribed(true);
      }
      setTimeout(() => {
        for (const track of wanted) this.#announceReady(track);
      }, 0);
    }
    return failedList.length > 0 ? { code: RCRTCCode.SUCCESS, failedList } : { code: RCRTCCode.SUCCESS };
  }

  async unsubscribe(items: SubscribeItem[]): Promise<{ code: RCRTCCode }> {
    if (this.#left) return { code: RCRTCCode.NOT_IN_ROOM };
    if (!Array.isArray(items)) return { code: RCRTCCode.PARAMS_ERROR };
    const tracks = items.map(itemTrack).filter((t): t is RCRemoteTrack => t?.isSubscribed() === true);
    for (const track of tracks) {
      track.__setSubscribed(false);
      this.#announcedMedia.delete(track);
    }
    if (tracks.length === 0) return { code: RCRTCCode.SUCCESS };
    const { code } = await this.#deps.transport.unsubscribe(tracks.map((t) => t.getTrackId()));
    return { code: code as RCRTCCode };
  }

  /** Internal: joins through the transport. */
  async __join(roomId: string): Promise<{ code: number; userIds: string[] }> {
    const result = await this.#deps.transport.join(roomId);
    if (result.code !== RCRTCCode.SUCCESS) {
      this.#left = true;
      return result;
    }
    for (const userId of result.userIds) this.#remoteUsers.add(userId);
    this.#pingTimer = unref(setInterval(() => this.#ping(), this.#deps.pingGap));
    return result;
  }

  /**
   * Internal: leaves the room. Local tracks are unpublished, not destroyed. Idempotent. `serverLeft`:
   * the server already took this device out (no `rtc.leave` is sent).
   */
  async __leave(options?: { serverLeft?: boolean }): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    clearInterval(this.#pingTimer);
    clearInterval(this.#reportTimer);
    clearTimeout(this.#flushTimer);
    this.#reportTimer = undefined;
    for (const track of this.#localTracks.values()) track.__setPublished(false);
    this.#localTracks.clear();
    for (const track of this.#remoteTracks.values()) {
      track.__setSubscribed(false);
      track.__setMediaTrack(undefined);
    }
    this.#remoteTracks.clear();
    this.#remoteUsers.clear();
    this.#pendingPublish = [];
    this.#pendingUnpublish = [];
    try {
      await this.#deps.transport.leave(options);
    } catch (error) {
      this.#deps.logger.warn(`leaving room ${this.#roomId} failed`, error);
    }
  }

  __isLeft(): boolean {
    return this.#left;
  }

  #wireTransport(): void {
    const t = this.#deps.transport;
    t.on('peerJoined', (userId) => {
      if (this.#left) return;
      this.#flush();
      this.#remoteUsers.add(userId);
      this.#call('onUserJoin', (l) => l.onUserJoin?.([userId]));
    });
    t.on('peerLeft', (userId) => {
      if (this.#left) return;
      for (const track of this.getRemoteTracksByUserId(userId)) this.#onUnpublished(track);
      this.#flush();
      if (!this.#remoteUsers.delete(userId)) return;
      this.#call('onUserLeave', (l) => l.onUserLeave?.([userId]));
    });
    t.on('remoteTrackPublished', (info) => this.#onPublished(info));
    t.on('remoteTrackMedia', (trackId, media) => {
      const track = this.#remoteTracks.get(trackId);
      if (!track || this.#left) return;
      track.__setMediaTrack(media);
      this.#announceReady(track);
    });
    t.on('remoteTrackUnpublished', (info) => {
      const track = this.#remoteTracks.get(info.trackId);
      if (track && !this.#left) this.#onUnpublished(track);
    });
    t.on('remoteTrackState', (trackId, muted) => {
      const track = this.#remoteTracks.get(trackId);
      if (!track || this.#left || !track.__setOwnerMuted(muted)) return;
      if (track instanceof RCRemoteAudioTrack) this.#call('onAudioMuteChange', (l) => l.onAudioMuteChange?.(track));
      else if (track instanceof RCRemoteVideoTrack) this.#call('onVideoMuteChange', (l) => l.onVideoMuteChange?.(track));
    });
    t.on('iceStateChange', (state, name) => this.#onIceState(state, name));
    t.on('connectionLost', () => {
      if (!this.#left) this.#call('onRTCPeerConnectionCloseByException', (l) => l.onRTCPeerConnectionCloseByException?.());
    });
  }

  #onPublished(info: RemoteTrackInfo): void {
    if (this.#left || this.#remoteTracks.has(info.trackId)) return;
    const track =
      info.kind === 'audio'
        ? new RCRemoteAudioTrack(info.tag, info.userId, info.muted)
        : new RCRemoteVideoTrack(info.tag, info.userId, info.muted);
    this.#remoteTracks.set(info.trackId, track);
    this.#remoteUsers.add(info.userId);
    this.#pendingPublish.push(track);
    this.#scheduleFlush();
  }

  #onUnpublished(track: RCRemoteTrack): void {
    this.#remoteTracks.delete(track.getTrackId());
    track.__setSubscribed(false);
    track.__setMediaTrack(undefined);
    const pending = this.#pendingPublish.indexOf(track);
    if (pending >= 0) {
      this.#pendingPublish.splice(pending, 1);
      return;
    }
    this.#pendingUnpublish.push(track);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    this.#flushTimer ??= setTimeout(() => this.#flush(), 0);
  }

  /** Delivers batched track announcements, publishes before unpublishes. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const published = this.#pendingPublish;
    const unpublished = this.#pendingUnpublish;
    this.#pendingPublish = [];
    this.#pendingUnpublish = [];
    if (published.length > 0) this.#call('onTrackPublish', (l) => l.onTrackPublish?.(published));
    if (unpublished.length > 0) this.#call('onTrackUnpublish', (l) => l.onTrackUnpublish?.(unpublished));
  }

  #announceReady(track: RCRemoteTrack): void {
    if (this.#left || !track.isSubscribed() || this.#remoteTracks.get(track.getTrackId()) !== track) return;
    const media = track.__getMediaStreamTrack() as MediaTrackLike | undefined;
    if (!media || this.#announcedMedia.get(track) === media) return;
    this.#announcedMedia.set(track, media);
    this.#call('onTrackReady', (l) => l.onTrackReady?.(track));
  }

  #onIceState(state: IceState, name: string): void {
    const listener = this.#reportListener;
    if (!listener || this.#left) return;
    const log = (m: string, e: unknown) => this.#deps.logger.error(m, e);
    callSafely('onICEConnectionStateChange', log, () => listener.onICEConnectionStateChange?.(state, name));
    callSafely('onConnectionStateChange', log, () => listener.onConnectionStateChange?.(state, name));
  }

  async #report(): Promise<void> {
    const listener = this.#reportListener;
    if ((!listener?.onStateReport && !listener?.onConnectionReports) || this.#left) return;
    let reports: Awaited<ReturnType<MediaTransport['getStateReports']>>;
    try {
      reports = await this.#deps.transport.getStateReports();
    } catch (error) {
      this.#deps.logger.debug('state report failed', error);
      return;
    }
    if (this.#left) return;
    if (listener.onConnectionReports && reports.length > 0) {
      callSafely(
        'onConnectionReports',
        (m, e) => this.#deps.logger.error(m, e),
        () => listener.onConnectionReports?.(reports),
      );
    }
    const report = mergeStateReports(reports, Date.now());
    if (!report || !listener.onStateReport) return;
    callSafely(
      'onStateReport',
      (m, e) => this.#deps.logger.error(m, e),
      () => listener.onStateReport?.(report),
    );
  }

  #ping(): void {
    const result = this.#deps.isConnected() ? RCRTCPingResult.SUCCESS : RCRTCPingResult.FAIL;
    this.#call('onPing', (l) => l.onPing?.(result));
  }

  #call(name: string, fn: (listener: IRoomEventListener) => void): void {
    const listener = this.#listener;
    if (!listener) return;
    callSafely(
      name,
      (m, e) => this.#deps.logger.error(m, e),
      () => fn(listener),
    );
  }
}

function itemTrack(item: SubscribeItem): RCRemoteTrack | undefined {
  if (!item || typeof item !== 'object') return undefined;
  return 'track' in item ? item.track : item;
}
