/** Capture profiles → `getUserMedia` constraints, and capture errors → `RCRTCCode`. */
import { RCFrameRate, RCResolution, RCRTCCode } from '@opencall/protocol';
import { transFrameRate, transResolution } from '../helper.js';
import type { ICameraVideoProfile, IMicphoneAudioProfile } from '../types.js';

export const DEFAULT_RESOLUTION = RCResolution.W640_H480;
export const DEFAULT_FRAME_RATE = RCFrameRate.FPS_15;

/** Audio constraints: `micphoneId` → exact deviceId, `sampleRate` → ideal sample rate. */
export function audioConstraints(profile: IMicphoneAudioProfile | undefined): MediaTrackConstraints | true {
  if (!profile) return true;
  const c: MediaTrackConstraints = {};
  if (profile.micphoneId) c.deviceId = { exact: profile.micphoneId };
  if (typeof profile.sampleRate === 'number' && profile.sampleRate > 0) c.sampleRate = { ideal: profile.sampleRate };
  return Object.keys(c).length > 0 ? c : true;
}

/** Video constraints: resolution → ideal width/height, frame rate → ideal fps, `cameraId` → exact deviceId. */
export function videoConstraints(profile: ICameraVideoProfile | undefined): MediaTrackConstraints {
  const { width, height } = transResolution(profile?.resolution ?? DEFAULT_RESOLUTION);
  const c: MediaTrackConstraints = {
    width: { ideal: width },
    height: { ideal: height },
    frameRate: { ideal: transFrameRate(profile?.frameRate ?? DEFAULT_FRAME_RATE) },
  };
  if (profile?.cameraId) c.deviceId = { exact: profile.cameraId };
  else if (profile?.faceMode) c.facingMode = profile.faceMode;
  return c;
}

/** Why a profile is unusable, or undefined when it is fine. */
export function checkVideoProfile(profile: ICameraVideoProfile | undefined): string | undefined {
  if (profile === undefined) return undefined;
  if (typeof profile !== 'object' || profile === null) return 'video profile must be an object';
  if (profile.resolution !== undefined && !Object.values(RCResolution).includes(profile.resolution)) return 'invalid resolution';
  if (profile.frameRate !== undefined && !Object.values(RCFrameRate).includes(profile.frameRate)) return 'invalid frameRate';
  if (profile.cameraId !== undefined && typeof profile.cameraId !== 'string') return 'cameraId must be a string';
  return undefined;
}

export function checkAudioProfile(profile: IMicphoneAudioProfile | undefined): string | undefined {
  if (profile === undefined) return undefined;
  if (typeof profile !== 'object' || profile === null) return 'audio profile must be an object';
  if (profile.micphoneId !== undefined && typeof profile.micphoneId !== 'string') return 'micphoneId must be a string';
  if (profile.sampleRate !== undefined && typeof profile.sampleRate !== 'number') return 'sampleRate must be a number';
  return undefined;
}

/** Maps a `getUserMedia` rejection to RTCLib's code. */
export function captureErrorCode(error: unknown): RCRTCCode {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return RCRTCCode.PERMISSION_DENIED;
  return RCRTCCode.GET_USER_MEDIA_FAILED;
}
