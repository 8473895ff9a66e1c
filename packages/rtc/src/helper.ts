/** `RCRTC.helper`: conversions between RTCLib enums and capture numbers. */
import { RCFrameRate, RCResolution } from '@opencall/protocol';

export interface IResolution {
  width: number;
  height: number;
}

/** `W640_H480` → `{ width: 640, height: 480 }`. Throws on a value that is not an `RCResolution`. */
export function transResolution(resolution: RCResolution): IResolution {
  const match = /^W(\d+)_H(\d+)$/.exec(String(resolution));
  if (!match || !Object.values(RCResolution).includes(resolution)) {
    throw new Error(`[RCRTC helper] invalid resolution: ${String(resolution)}`);
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** `FPS_15` → `15`. Throws on a value that is not an `RCFrameRate`. */
export function transFrameRate(frameRate: RCFrameRate): number {
  const match = /^FPS_(\d+)$/.exec(String(frameRate));
  if (!match || !Object.values(RCFrameRate).includes(frameRate)) {
    throw new Error(`[RCRTC helper] invalid frame rate: ${String(frameRate)}`);
  }
  return Number(match[1]);
}

export const helper = { transResolution, transFrameRate };
