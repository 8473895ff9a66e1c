/** `RCTrack`: the base of local and remote tracks (RTCLib 5). */
import { consoleListenerErrors, type RCRTCCode, SafeEmitter } from '@opencall/protocol';
import { streamIdOf, type TrackKind, trackIdOf } from '../ids.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import { createAudioElement, type IPlayOptions, playTrack } from './play.js';

/** Events an app can listen to on a track. */
export type RCTrackEvents = {
  /** A local track's device stopped (unplugged, permission revoked). Argument: the track. */
  'local-track-end': [track: RCTrack];
};

export abstract class RCTrack extends SafeEmitter<RCTrackEvents> {
  protected mediaTrack: MediaTrackLike | undefined;
  protected localMuted = false;
  #audioElement: HTMLMediaElement | undefined;

  protected constructor(
    private readonly tag: string,
    private readonly userId: string,
    private readonly kind: TrackKind,
    private readonly local: boolean,
    mediaTrack: MediaTrackLike | undefined,
  ) {
    super(consoleListenerErrors('RCRTC'));
    this.mediaTrack = mediaTrack;
  }

  /** `${userId}_${tag}` */
  getStreamId(): string {
    return streamIdOf(this.userId, this.tag);
  }

  /** `${streamId}_${kind}` */
  getTrackId(): string {
    return trackIdOf(this.userId, this.tag, this.kind);
  }

  getUserId(): string {
    return this.userId;
  }

  getTag(): string {
    return this.tag;
  }

  isLocalTrack(): boolean {
    return this.local;
  }

  isVideoTrack(): boolean {
    return this.kind === 'video';
  }

  isAudioTrack(): boolean {
    return this.kind === 'audio';
  }

  /** Always false: OpenCall has no MCU. */
  isMCUTrack(): boolean {
    return false;
  }

  /** Whether the track has live media. */
  isReady(): boolean {
    return this.mediaTrack !== undefined && this.mediaTrack.readyState === 'live';
  }

  /** Muted on this side (local: not sent; remote: not played). */
  isLocalMuted(): boolean {
    return this.localMuted;
  }

  /** Muted by the owner. */
  abstract isOwnerMuted(): boolean;

  /** Stops sending (local) or playing (remote) the track's media. */
  async mute(): Promise<{ code: RCRTCCode }> {
    return this.setLocalMuted(true);
  }

  async unmute(): Promise<{ code: RCRTCCode }> {
    return this.setLocalMuted(false);
  }

  protected abstract setLocalMuted(muted: boolean): Promise<{ code: RCRTCCode }>;

  /**
   * Plays the track. Video needs an element (else `VIDEO_TRACK_MISS_MEDIA_ELEMENT`); audio without
   * one plays through an internal `<audio>`.
   */
  play(element?: HTMLVideoElement | HTMLMediaElement, options?: IPlayOptions): Promise<{ code: RCRTCCode }> {
    return playTrack(this.mediaTrack, this.kind, element, options, () => {
      this.#audioElement ??= createAudioElement();
      return this.#audioElement;
    });
  }

  /** The underlying `MediaStreamTrack` (undefined for a remote track whose media has not arrived). */
  __getMediaStreamTrack(): MediaStreamTrack | undefined {
    return this.mediaTrack as MediaStreamTrack | undefined;
  }

  /** Detaches the internal audio element, if any. */
  protected releaseAudioElement(): void {
    const el = this.#audioElement;
    if (!el) return;
    el.pause?.();
    el.srcObject = null;
    this.#audioElement = undefined;
  }
}
