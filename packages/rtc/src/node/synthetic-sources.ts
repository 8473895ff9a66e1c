/**
 * Synthetic media for Node bots: a video source fed with a few precomputed I420 frames (a moving
 * bar, so the encoder has something to code) and an audio source fed with 10 ms chunks of silence or
 * a tone. Each pump stops by itself once its track has ended.
 */
import type { nonstandard } from '@roamhq/wrtc';

/** The non-standard sources of `@roamhq/wrtc` (`wrtc.nonstandard`). */
export type WrtcNonstandard = Pick<typeof nonstandard, 'RTCVideoSource' | 'RTCAudioSource'>;

export interface SyntheticVideoOptions {
  width: number;
  height: number;
  frameRate: number;
}

const DISTINCT_FRAMES = 8;

/** `count` I420 frames of a grey picture with a bright vertical bar at a different place in each. */
function barFrames(width: number, height: number, count: number): Uint8Array[] {
  const lumaSize = width * height;
  const frames: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const data = new Uint8Array(lumaSize * 1.5);
    data.fill(96, 0, lumaSize);
    data.fill(128, lumaSize);
    const barWidth = Math.max(2, Math.floor(width / 10));
    const x0 = Math.floor(((width - barWidth) * n) / Math.max(1, count - 1));
    for (let y = 0; y < height; y++) data.fill(235, y * width + x0, y * width + x0 + barWidth);
    frames.push(data);
  }
  return frames;
}

/** Starts a video track fed at `frameRate` until it ends. */
export function startSyntheticVideo(wrtc: WrtcNonstandard, options: SyntheticVideoOptions): MediaStreamTrack {
  const source = new wrtc.RTCVideoSource();
  const track = source.createTrack();
  const frames = barFrames(options.width, options.height, DISTINCT_FRAMES);
  let n = 0;
  const timer = setInterval(
    () => {
      if (track.readyState === 'ended') {
        clearInterval(timer);
        return;
      }
      source.onFrame({ width: options.width, height: options.height, data: frames[n++ % frames.length] as Uint8Array });
    },
    Math.round(1000 / options.frameRate),
  );
  return track;
}

export interface SyntheticAudioOptions {
  /** Tone frequency in Hz; 0 for silence (default). */
  toneHz?: number;
}

const SAMPLE_RATE = 48_000;
const CHUNK_SAMPLES = SAMPLE_RATE / 100;

/** Starts an audio track fed with 10 ms chunks (48 kHz mono) until it ends. */
export function startSyntheticAudio(wrtc: WrtcNonstandard, options: SyntheticAudioOptions = {}): MediaStreamTrack {
  const source = new wrtc.RTCAudioSource();
  const track = source.createTrack();
  const toneHz = options.toneHz ?? 0;
  // One second of samples: a whole number of tone periods for integer frequencies, so chunks loop cleanly.
  const second = new Int16Array(SAMPLE_RATE);
  if (toneHz > 0) for (let i = 0; i < second.length; i++) second[i] = Math.round(3000 * Math.sin((2 * Math.PI * toneHz * i) / SAMPLE_RATE));
  let chunk = 0;
  const timer = setInterval(() => {
    if (track.readyState === 'ended') {
      clearInterval(timer);
      return;
    }
    const offset = (chunk++ % 100) * CHUNK_SAMPLES;
    source.onData({ samples: second.slice(offset, offset + CHUNK_SAMPLES), sampleRate: SAMPLE_RATE, channelCount: 1 });
  }, 10);
  return track;
}
