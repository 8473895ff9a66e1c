/** Fake media for Node: tracks that behave like `MediaStreamTrack` without any media. */
import { randomId } from '../ids.js';
import type { CaptureRequest, MediaCapture } from './media-capture.js';
import type { MediaTrackLike } from './media-track-like.js';

/** A `MediaStreamTrack` stand-in. `stop()` ends it; `end()` simulates the device going away. */
export class FakeMediaTrack implements MediaTrackLike {
  readonly id = randomId();
  enabled = true;
  #readyState: 'live' | 'ended' = 'live';
  readonly #endedListeners = new Set<() => void>();

  constructor(
    readonly kind: 'audio' | 'video',
    readonly label = `fake ${kind}`,
    private readonly settings: MediaTrackSettings = {},
  ) {}

  get readyState(): 'live' | 'ended' {
    return this.#readyState;
  }

  stop(): void {
    this.#readyState = 'ended';
  }

  /** Ends the track as if the device was unplugged (fires `ended`, which `stop()` does not). */
  end(): void {
    if (this.#readyState === 'ended') return;
    this.#readyState = 'ended';
    for (const listener of [...this.#endedListeners]) listener();
  }

  addEventListener(_type: 'ended', listener: () => void): void {
    this.#endedListeners.add(listener);
  }

  removeEventListener(_type: 'ended', listener: () => void): void {
    this.#endedListeners.delete(listener);
  }

  getSettings(): MediaTrackSettings {
    return { ...this.settings };
  }
}

export interface FakeMediaCaptureOptions {
  /** When set, every capture rejects with an error of this name (e.g. 'NotAllowedError'). */
  failWith?: string;
  /** Device list returned by `enumerateDevices`. */
  devices?: MediaDeviceInfo[];
}

const DEFAULT_DEVICES = [
  { deviceId: 'fake-mic', kind: 'audioinput', label: 'Fake microphone', groupId: 'fake' },
  { deviceId: 'fake-cam', kind: 'videoinput', label: 'Fake camera', groupId: 'fake' },
  { deviceId: 'fake-speaker', kind: 'audiooutput', label: 'Fake speaker', groupId: 'fake' },
].map((d) => ({ ...d, toJSON: () => d })) as MediaDeviceInfo[];

/** A `MediaCapture` producing `FakeMediaTrack`s; records the last request for tests. */
export class FakeMediaCapture implements MediaCapture {
  lastRequest: CaptureRequest | undefined;
  failWith: string | undefined;
  readonly #devices: MediaDeviceInfo[];

  constructor(options: FakeMediaCaptureOptions = {}) {
    this.failWith = options.failWith;
    this.#devices = options.devices ?? DEFAULT_DEVICES;
  }

  async capture(request: CaptureRequest): Promise<MediaTrackLike[]> {
    this.lastRequest = request;
    if (this.failWith) throw Object.assign(new Error(`fake capture failure: ${this.failWith}`), { name: this.failWith });
    const tracks: MediaTrackLike[] = [];
    if (request.audio) tracks.push(new FakeMediaTrack('audio', 'Fake microphone', settingsOf(request.audio)));
    if (request.video) tracks.push(new FakeMediaTrack('video', 'Fake camera', settingsOf(request.video)));
    return tracks;
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return [...this.#devices];
  }
}

function ideal(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as { ideal?: unknown; exact?: unknown };
    if (typeof v.exact === 'number') return v.exact;
    if (typeof v.ideal === 'number') return v.ideal;
  }
  return undefined;
}

function settingsOf(c: MediaTrackConstraints | true): MediaTrackSettings {
  if (c === true) return {};
  const s: MediaTrackSettings = {};
  const width = ideal(c.width);
  const height = ideal(c.height);
  const frameRate = ideal(c.frameRate);
  const sampleRate = ideal(c.sampleRate);
  if (width !== undefined) s.width = width;
  if (height !== undefined) s.height = height;
  if (frameRate !== undefined) s.frameRate = frameRate;
  if (sampleRate !== undefined) s.sampleRate = sampleRate;
  const deviceId = c.deviceId as { exact?: string } | string | undefined;
  if (typeof deviceId === 'string') s.deviceId = deviceId;
  else if (deviceId?.exact) s.deviceId = deviceId.exact;
  return s;
}
