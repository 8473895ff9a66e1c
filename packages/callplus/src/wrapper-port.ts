/**
 * The seam between the CallPlus client and the CallLib-style wrapper (two bundles, so no shared
 * classes: the wrapper finds the port by this method name on the client it was given).
 */
import type { IEndSummary, RCCallClient, RCCallSession } from '@opencall/call';
import type { PlayableTrack } from './media-views.js';

export const WRAPPER_PORT_METHOD = '__opencallWrapperPort';

/** What the wrapper hands to the CallPlus client: where engine sessions go while it is attached. */
export interface WrapperHooks {
  onSession(session: RCCallSession, extra?: string): void;
  onSessionClose(session: RCCallSession, summary?: IEndSummary): void;
}

/** What the CallPlus client gives the wrapper. */
export interface WrapperPort {
  /** The call engine (CallLib's `RCCallClient`) the CallPlus client runs on. */
  engine: RCCallClient;
  /** A track the call reported ready, kept for `playMedia`. */
  rememberTrack(track: PlayableTrack): void;
  logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
}

export type WrapperPortProvider = { [WRAPPER_PORT_METHOD](hooks: WrapperHooks): WrapperPort };

export function hasWrapperPort(value: unknown): value is WrapperPortProvider {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[WRAPPER_PORT_METHOD] === 'function';
}
