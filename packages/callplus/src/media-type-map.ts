/**
 * Pure conversions between CallLib's and CallPlus's vocabularies (media types, result codes,
 * session states). The wrapper keeps CallLib's values; the CallPlus client speaks CallPlus's.
 */
import { RCCallErrorCode, RCCallMediaType, RCCallSessionState, RCCallUserState } from '@opencall/protocol';
import { RCCallPlusCallState, RCCallPlusCode, RCCallPlusMediaType } from './enums.js';

export type MediaKind = 'audio' | 'video';

const isEnumValue = (e: object, v: unknown): boolean => typeof v === 'number' && Object.values(e).includes(v);

export const isCallPlusMediaType = (v: unknown): v is RCCallPlusMediaType => isEnumValue(RCCallPlusMediaType, v);

/** CallLib media type of a call → the CallPlus one. */
export function toCallPlusMediaType(mediaType: RCCallMediaType): RCCallPlusMediaType {
  return mediaType === RCCallMediaType.AUDIO ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.AUDIO_VIDEO;
}

/** CallPlus media type of a new call → CallLib's (a VIDEO call still captures the microphone, as CallPlus). */
export function toCallLibMediaType(mediaType: RCCallPlusMediaType): RCCallMediaType {
  return mediaType === RCCallPlusMediaType.AUDIO ? RCCallMediaType.AUDIO : RCCallMediaType.AUDIO_VIDEO;
}

/**
 * What the wrapper's `onTrackReady(userId, mediaType)` reports for a track: AUDIO for audio,
 * AUDIO_VIDEO for video (CallLib's enum has no VIDEO; the seed converts back with
 * `mediaType === AUDIO ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.VIDEO`).
 */
export function wrapperMediaTypeOfTrack(kind: MediaKind): RCCallMediaType {
  return kind === 'audio' ? RCCallMediaType.AUDIO : RCCallMediaType.AUDIO_VIDEO;
}

/** What CallPlus's `onUserMediaAvailable(userId, mediaType)` reports for a track. */
export function callPlusMediaTypeOfTrack(kind: MediaKind): RCCallPlusMediaType {
  return kind === 'audio' ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.VIDEO;
}

/** The track kinds `playMedia(userId, mediaType)` plays. */
export function kindsToPlay(mediaType: RCCallPlusMediaType): MediaKind[] {
  switch (mediaType) {
    case RCCallPlusMediaType.AUDIO:
      return ['audio'];
    case RCCallPlusMediaType.VIDEO:
      return ['video'];
    case RCCallPlusMediaType.AUDIO_VIDEO:
      return ['audio', 'video'];
    default: {
      const unreachable: never = mediaType;
      throw new Error(`unknown RCCallPlusMediaType ${String(unreachable)}`);
    }
  }
}

/** CallLib result code of the engine → CallPlus code. Codes without a CallPlus twin pass through unchanged. */
export function toCallPlusCode(code: number): number {
  switch (code) {
    case RCCallErrorCode.SUCCESS:
      return RCCallPlusCode.SUCCESS;
    case RCCallErrorCode.STATE_MACHINE_EXIT:
      return RCCallPlusCode.SESSION_EXIST;
    case RCCallErrorCode.PARAM_ERROR:
      return RCCallPlusCode.PARAM_ERROR;
    case RCCallErrorCode.GET_LOCAL_AUDIO_TRACK_ERROR:
      return RCCallPlusCode.MICROPHONE_CLOSED;
    case RCCallErrorCode.GET_LOCAL_VIDEO_TRACK_ERROR:
    case RCCallErrorCode.GET_LOCAL_AUDIO_AND_VIDEO_TRACK_ERROR:
      return RCCallPlusCode.CAMERA_CLOSED;
    default:
      return code;
  }
}

/** A CallPlus session state from the engine session's state and this user's place in it. */
export function toCallPlusCallState(
  session: RCCallSessionState,
  self: RCCallUserState | undefined,
  isCaller: boolean,
): RCCallPlusCallState {
  switch (session) {
    case RCCallSessionState.WAITING:
      if (isCaller) return RCCallPlusCallState.CALLING;
      return self === RCCallUserState.KEEPING ? RCCallPlusCallState.CONNECTING : RCCallPlusCallState.RINGING;
    case RCCallSessionState.KEEPING:
      return RCCallPlusCallState.ONCALL;
    case RCCallSessionState.END:
      return RCCallPlusCallState.ENDED;
    default: {
      const unreachable: never = session;
      throw new Error(`unknown RCCallSessionState ${String(unreachable)}`);
    }
  }
}
