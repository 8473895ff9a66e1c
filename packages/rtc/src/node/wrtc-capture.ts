/**
 * A `MediaCapture` for Node bots: synthetic `@roamhq/wrtc` tracks instead of devices. Video is
 * captured at the configured size and rate whatever the request asks (bots share small machines).
 */
import type { CaptureRequest, MediaCapture } from '../media/media-capture.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import {
  type SyntheticAudioOptions,
  type SyntheticVideoOptions,
  startSyntheticAudio,
  startSyntheticVideo,
  type WrtcNonstandard,
} from './synthetic-sources.js';

export interface WrtcCaptureOptions {
  /** Default 320×240 @ 15 fps. */
  video?: Partial<SyntheticVideoOptions>;
  audio?: SyntheticAudioOptions;
}

const DEVICES = [
  { deviceId: 'synthetic-mic', kind: 'audioinput', label: 'Synthetic microphone', groupId: 'synthetic' },
  { deviceId: 'synthetic-cam', kind: 'videoinput', label: 'Synthetic camera', groupId: 'synthetic' },
].map((d) => ({ ...d, toJSON: () => d })) as MediaDeviceInfo[];

export class WrtcCapture implements MediaCapture {
  readonly #wrtc: WrtcNonstandard;
  readonly #video: SyntheticVideoOptions;
  readonly #audio: SyntheticAudioOptions;

  constructor(nonstandard: WrtcNonstandard, options: WrtcCaptureOptions = {}) {
    this.#wrtc = nonstandard;
    this.#video = { width: 320, height: 240, frameRate: 15, ...options.video };
    this.#audio = options.audio ?? {};
  }

  async capture(request: CaptureRequest): Promise<MediaTrackLike[]> {
    const tracks: MediaStreamTrack[] = [];
    if (request.audio) tracks.push(startSyntheticAudio(this.#wrtc, this.#audio));
    if (request.video) tracks.push(startSyntheticVideo(this.#wrtc, this.#video));
    return tracks as unknown as MediaTrackLike[];
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return [...DEVICES];
  }
}
