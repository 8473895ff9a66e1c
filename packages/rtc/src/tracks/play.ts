/** Playing a track into a media element (`RCTrack.play`). */
import { RCRTCCode } from '@opencall/protocol';
import type { MediaTrackLike } from '../media/media-track-like.js';

export interface IPlayOptions {
  /** 0–100 */
  volume?: number;
  /** Output device (`HTMLMediaElement.setSinkId`). */
  audioDeviceId?: string;
}

type MediaElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * Attaches `track` to `element` (or, for audio, to `fallbackAudio()`) and starts playback.
 * Without DOM media support (Node) playback is a successful no-op.
 */
export async function playTrack(
  track: MediaTrackLike | undefined,
  kind: 'audio' | 'video',
  element: HTMLMediaElement | undefined,
  options: IPlayOptions | undefined,
  fallbackAudio: () => HTMLMediaElement | undefined,
): Promise<{ code: RCRTCCode }> {
  if (kind === 'video' && !element) return { code: RCRTCCode.VIDEO_TRACK_MISS_MEDIA_ELEMENT };
  if (!track) return { code: RCRTCCode.TRACK_NOT_READY };
  const MediaStreamCtor = (globalThis as { MediaStream?: typeof MediaStream }).MediaStream;
  if (!MediaStreamCtor) return { code: RCRTCCode.SUCCESS };
  const target = (element ?? fallbackAudio()) as MediaElement | undefined;
  if (!target) return { code: RCRTCCode.SUCCESS };
  try {
    const current = (target.srcObject as MediaStream | null)?.getTracks() ?? [];
    if (current.length !== 1 || current[0] !== (track as unknown)) {
      target.srcObject = new MediaStreamCtor([track as unknown as MediaStreamTrack]);
    }
    target.autoplay = true;
    if (kind === 'video') (target as HTMLVideoElement).playsInline = true;
    if (typeof options?.volume === 'number') target.volume = Math.min(100, Math.max(0, options.volume)) / 100;
    if (options?.audioDeviceId && typeof target.setSinkId === 'function') await target.setSinkId(options.audioDeviceId);
    await target.play();
    return { code: RCRTCCode.SUCCESS };
  } catch {
    return { code: RCRTCCode.TRACK_PLAY_ERROR };
  }
}

/** A detached `<audio>` element, or `undefined` outside a DOM. */
export function createAudioElement(): HTMLMediaElement | undefined {
  const doc = (globalThis as { document?: Document }).document;
  return doc?.createElement('audio');
}
