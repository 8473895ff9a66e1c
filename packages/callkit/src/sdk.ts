/**
 * What CallKit uses of the SDK: the public CallLib / RTCLib / IMLib surface only (the `RCCall`,
 * `RCRTC` and `RongIMLib` globals or their npm modules), so it runs on any CallLib Web 5.x stack.
 * Enum values are read from the SDK passed in, never copied here.
 */
import type { IEndSummary, IMuteUser, ISenderInfo, RCCallClient, RCCallSession } from '@opencall/call';
import type { IRCRTCStateReport, RCTrack } from '@opencall/rtc';

export type { IEndSummary, IMuteUser, IRCRTCStateReport, ISenderInfo, RCCallClient, RCCallSession, RCTrack };

/** Numeric enum objects as the SDK globals expose them (name → value, and TS's value → name). */
type NumericEnum = Record<string, string | number>;

/** The `RCCall` global (or `@opencall/call` / `@rongcloud/plugin-call` module). */
export interface CallLibModule {
  RCCallMediaType: { AUDIO: number; AUDIO_VIDEO: number };
  RCCallErrorCode: { SUCCESS: number } & NumericEnum;
  RCCallEndReason: NumericEnum;
  RCCallSessionState: { WAITING: number; KEEPING: number; END: number };
}

/** The `RCRTC` global: device lists and the capture profile enums. */
export interface RtcLibModule {
  device: {
    getCameras(): Promise<MediaDeviceInfo[]>;
    getMicrophones(): Promise<MediaDeviceInfo[]>;
    getSpeakers(): Promise<MediaDeviceInfo[]>;
  };
  RCFrameRate: Record<string, string>;
  RCResolution: Record<string, string>;
}

/** The `RongIMLib` global: connection events for the "reconnecting" banner. */
export interface ImLibModule {
  Events: Record<string, string>;
  addEventListener(event: string, listener: (...args: never[]) => void): void;
}

export interface CallKitSdk {
  RCCall: CallLibModule;
  RCRTC?: RtcLibModule;
  RongIMLib?: ImLibModule;
}

/** The SDK globals of the page, when CallKit is loaded from `/sdk/RCCallKit.js`. */
export function sdkFromGlobals(): CallKitSdk {
  const g = globalThis as unknown as Partial<CallKitSdk>;
  if (!g.RCCall) throw new Error('RCCallKit: load RongIMLib.js, RCRTC.js and RCCall.js first (or pass `sdk`)');
  return { RCCall: g.RCCall, ...(g.RCRTC ? { RCRTC: g.RCRTC } : {}), ...(g.RongIMLib ? { RongIMLib: g.RongIMLib } : {}) };
}
