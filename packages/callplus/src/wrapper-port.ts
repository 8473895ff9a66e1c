/**
 * The seam between the CallPlus client and the CallLib-style wrapper (two bundles, so no shared
 * classes: the wrapper finds the port by this method name on the client it was given).
 */
import type { IEndSummary, IRCCallInitOptions, RCCallClient, RCCallSession } from '@opencall/call';
import type { PlayableTrack } from './media-views.js';

export const WRAPPER_PORT_METHOD = '__opencallWrapperPort';

/** What the wrapper hands to the CallPlus client: where engine sessions go while it is attached. */
export interface WrapperHooks {
  onSession(session: RCCallSession, extra?: string): void;
  onSessionClose(session: RCCallSession, summary?: IEndSummary): void;
}

/** The CallLib installer options a wrapper app may still pass (they configure the shared call engine). */
export type WrapperCallOptions = Partial<
  Pick<
    IRCCallInitOptions,
    | 'isAllowSubscribeRetry'
    | 'isAllowPublishRetry'
    | 'isOffCameraWhenVideoDisable'
    | 'joinType'
    | 'isAllowDemotionGetStream'
    | 'lang'
    | 'onOfflineRecord'
  >
>;

export const WRAPPER_CALL_OPTION_KEYS = [
  'isAllowSubscribeRetry',
  'isAllowPublishRetry',
  'isOffCameraWhenVideoDisable',
  'joinType',
  'isAllowDemotionGetStream',
  'lang',
  'onOfflineRecord',
] as const satisfies readonly (keyof WrapperCallOptions)[];

/** What the CallPlus client gives the wrapper. */
export interface WrapperPort {
  /** The call engine (CallLib's `RCCallClient`) the CallPlus client runs on. */
  engine: RCCallClient;
  /** A track call `callId` reported ready (no id yet: the caller's own, while `call()` runs), kept for `playMedia`. */
  rememberTrack(track: PlayableTrack, callId: string | undefined): void;
  /** `call()` / `callInGroup()` returned: the tracks reported without a call id belong to `callId`, or (undefined) are dropped. */
  settlePendingTracks(callId: string | undefined): void;
  /** The CallLib options the wrapper installer was given (`isOffCameraWhenVideoDisable`, `joinType`, …) now apply. */
  applyCallOptions(options: WrapperCallOptions): void;
  logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
}

export type WrapperPortProvider = { [WRAPPER_PORT_METHOD](hooks: WrapperHooks): WrapperPort };

export function hasWrapperPort(value: unknown): value is WrapperPortProvider {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[WRAPPER_PORT_METHOD] === 'function';
}
