/** Where local media comes from: the browser's `mediaDevices`, or a fake in Node. */
import type { MediaTrackLike } from './media-track-like.js';

export interface CaptureRequest {
  audio?: MediaTrackConstraints | true;
  video?: MediaTrackConstraints | true;
}

/** A source of local media tracks and device lists. */
export interface MediaCapture {
  /** Captures the requested kinds. Rejects with the platform's error (a `DOMException` in browsers). */
  capture(request: CaptureRequest): Promise<MediaTrackLike[]>;
  /** Lists media devices. */
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

function mediaDevices(): MediaDevices | undefined {
  return (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
}

/** `navigator.mediaDevices`. */
export class BrowserMediaCapture implements MediaCapture {
  async capture(request: CaptureRequest): Promise<MediaTrackLike[]> {
    const devices = mediaDevices();
    if (!devices?.getUserMedia) throw Object.assign(new Error('getUserMedia is not available'), { name: 'NotSupportedError' });
    const stream = await devices.getUserMedia({ audio: request.audio ?? false, video: request.video ?? false });
    return stream.getTracks() as MediaTrackLike[];
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    const devices = mediaDevices();
    return devices?.enumerateDevices ? devices.enumerateDevices() : [];
  }
}
