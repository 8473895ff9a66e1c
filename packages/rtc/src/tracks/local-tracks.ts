/** Local tracks: captured (microphone, camera) or built from an app's `MediaStreamTrack`. */
import { RCRTCCode } from '@opencall/protocol';
import type { TrackKind } from '../ids.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import { RCTrack } from './rc-track.js';

/** Called when a published track is muted or unmuted; resolves once the peers were told. */
export type MuteObserver = (track: RCLocalTrack, muted: boolean) => Promise<void>;
/** Called when the app changes a published track's bitrate. */
export type BitrateObserver = (track: RCLocalTrack) => Promise<void>;

export interface IBitrate {
  max?: number;
  min?: number;
  start?: number;
}

export class RCLocalTrack extends RCTrack {
  /**
   * Event fired (with the track) when the device stops the track. A getter, not a static field: the SDK
   * build assigns class fields (scripts/build-sdk.mjs), and a static one would need a static block.
   */
  static get EVENT_LOCAL_TRACK_END(): 'local-track-end' {
    return 'local-track-end';
  }

  #published = false;
  #bitrate: IBitrate = {};
  #muteObserver: MuteObserver | undefined;
  #bitrateObserver: BitrateObserver | undefined;
  readonly #onEnded = () => this.emit(RCLocalTrack.EVENT_LOCAL_TRACK_END, this);

  constructor(tag: string, userId: string, kind: TrackKind, mediaTrack: MediaTrackLike) {
    super(tag, userId, kind, true, mediaTrack);
    mediaTrack.addEventListener('ended', this.#onEnded);
    this.localMuted = !mediaTrack.enabled;
  }

  /** For a local track the owner is this side. */
  isOwnerMuted(): boolean {
    return this.localMuted;
  }

  isPublished(): boolean {
    return this.#published;
  }

  /** Stops the media (the device light goes off). The track cannot be used afterwards. */
  destroy(): void {
    const track = this.mediaTrack;
    if (!track) return;
    track.removeEventListener('ended', this.#onEnded);
    track.stop();
    this.releaseAudioElement();
  }

  /** Sets the send bitrate in kbps (`max` is applied to the sender; `min`/`start` are kept). */
  setBitrate(max?: number, min?: number, start?: number): void {
    this.#bitrate = { max, min, start };
    this.#bitrateObserver?.(this).catch(() => undefined);
  }

  getBitrate(): IBitrate {
    return { ...this.#bitrate };
  }

  protected async setLocalMuted(muted: boolean): Promise<{ code: RCRTCCode }> {
    if (!this.mediaTrack) return { code: RCRTCCode.TRACK_NOT_READY };
    this.mediaTrack.enabled = !muted;
    const changed = this.localMuted !== muted;
    this.localMuted = muted;
    if (changed && this.#published && this.#muteObserver) {
      try {
        await this.#muteObserver(this, muted);
      } catch {
        return { code: RCRTCCode.SIGNAL_ERROR };
      }
    }
    return { code: RCRTCCode.SUCCESS };
  }

  /** Internal: set by the room that publishes the track. */
  __setPublished(published: boolean, muteObserver?: MuteObserver, bitrateObserver?: BitrateObserver): void {
    this.#published = published;
    this.#muteObserver = published ? muteObserver : undefined;
    this.#bitrateObserver = published ? bitrateObserver : undefined;
  }
}

export class RCLocalAudioTrack extends RCLocalTrack {
  constructor(tag: string, userId: string, mediaTrack: MediaTrackLike) {
    super(tag, userId, 'audio', mediaTrack);
  }
}

export class RCLocalVideoTrack extends RCLocalTrack {
  constructor(tag: string, userId: string, mediaTrack: MediaTrackLike) {
    super(tag, userId, 'video', mediaTrack);
  }
}

/** Microphone track (RTCLib's spelling). */
export class RCMicphoneAudioTrack extends RCLocalAudioTrack {}

/** Camera track. */
export class RCCameraVideoTrack extends RCLocalVideoTrack {}
