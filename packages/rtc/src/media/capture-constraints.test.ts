import { RCFrameRate, RCResolution, RCRTCCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { audioConstraints, captureErrorCode, checkVideoProfile, videoConstraints } from './capture-constraints.js';

describe('capture constraints', () => {
  it('defaults video to 640x480 at 15 fps', () => {
    expect(videoConstraints(undefined)).toEqual({ width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } });
  });
  it('honours resolution, frame rate and cameraId', () => {
    expect(videoConstraints({ resolution: RCResolution.W1280_H720, frameRate: RCFrameRate.FPS_30, cameraId: 'cam-2' })).toEqual({
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 30 },
      deviceId: { exact: 'cam-2' },
    });
  });
  it('honours micphoneId and sampleRate', () => {
    expect(audioConstraints(undefined)).toBe(true);
    expect(audioConstraints({ micphoneId: 'mic-1', sampleRate: 48000 })).toEqual({
      deviceId: { exact: 'mic-1' },
      sampleRate: { ideal: 48000 },
    });
  });
  it('rejects bad profiles', () => {
    expect(checkVideoProfile({ resolution: 'W1_H1' as RCResolution })).toBeDefined();
    expect(checkVideoProfile({ resolution: RCResolution.W320_H240 })).toBeUndefined();
  });
  it('maps getUserMedia errors', () => {
    expect(captureErrorCode({ name: 'NotAllowedError' })).toBe(RCRTCCode.PERMISSION_DENIED);
    expect(captureErrorCode({ name: 'NotFoundError' })).toBe(RCRTCCode.GET_USER_MEDIA_FAILED);
    expect(captureErrorCode(undefined)).toBe(RCRTCCode.GET_USER_MEDIA_FAILED);
  });
});
