/** Local capture for a call, with CallLib's codes and the `isAllowDemotionGetStream` fallback. */
import { RCCallErrorCode, RCCallMediaType, RCRTCCode } from '@opencall/protocol';
import type { CallLocalTrack, CallRtcClient } from './rtc-port.js';
import type { ICallConstraints } from './types.js';

/** CallLib's track tag. */
export const CALL_TRACK_TAG = 'RongCloudRTC';

export type CaptureResult =
  | { code: RCCallErrorCode.SUCCESS; tracks: CallLocalTrack[]; mediaType: RCCallMediaType }
  | { code: RCCallErrorCode; tracks?: undefined };

export async function captureForCall(
  rtc: CallRtcClient,
  mediaType: RCCallMediaType,
  constraints: ICallConstraints | undefined,
  allowDemotion: boolean,
): Promise<CaptureResult> {
  if (mediaType === RCCallMediaType.AUDIO_VIDEO) {
    const both = await rtc.createMicrophoneAndCameraTracks(CALL_TRACK_TAG, { audio: constraints?.audio, video: constraints?.video });
    if (both.code === RCRTCCode.SUCCESS && both.tracks.length > 0) return { code: RCCallErrorCode.SUCCESS, tracks: both.tracks, mediaType };
    if (!allowDemotion) return { code: RCCallErrorCode.GET_LOCAL_AUDIO_AND_VIDEO_TRACK_ERROR };
  }
  const audio = await rtc.createMicrophoneAudioTrack(CALL_TRACK_TAG, constraints?.audio);
  if (audio.code !== RCRTCCode.SUCCESS || !audio.track) {
    return {
      code:
        mediaType === RCCallMediaType.AUDIO
          ? RCCallErrorCode.GET_LOCAL_AUDIO_TRACK_ERROR
          : RCCallErrorCode.GET_LOCAL_AUDIO_AND_VIDEO_TRACK_ERROR,
    };
  }
  return { code: RCCallErrorCode.SUCCESS, tracks: [audio.track], mediaType: RCCallMediaType.AUDIO };
}
