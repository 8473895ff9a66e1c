/** CallPlus's public interfaces (the subset OpenCall implements; see README "CallPlus wrapper"). */
import type { IRCCallInitOptions } from '@opencall/call';
import type { RCCallEndReason } from '@opencall/protocol';
import type { RCCallPlusSession } from './callplus-session.js';
import type { RCCallPlusMediaType } from './enums.js';

/** `installPlugin(CallPlus.installer, options)`. */
export interface IRCCallPlusInitOptions {
  rtcClient: IRCCallInitOptions['rtcClient'];
  /** Accepted for compatibility; logging follows IMLib's settings. */
  logOutputLevel?: number;
  logStdout?: (level: number, content: string) => void;
  /** Passed to the call engine as in CallLib. */
  isAllowDemotionGetStream?: boolean;
  joinType?: IRCCallInitOptions['joinType'];
  lang?: IRCCallInitOptions['lang'];
}

/** `setCallPlusEventListener(listener)`: every callback is optional. */
export interface IRCCallPlusEventListener {
  /** An incoming call (`extra` as the caller passed it). */
  onReceivedCall?(session: RCCallPlusSession, extra?: string): void;
  /** This user joined the call: media is being published. */
  onCallConnected?(session: RCCallPlusSession): void;
  /** The call ended; `reason` is CallLib's `RCCallEndReason` value (OpenCall does not map to `RCCallPlusReason`). */
  onCallEnded?(session: RCCallPlusSession, reason: RCCallEndReason | null): void;
  /** `userId`'s media of `mediaType` (AUDIO or VIDEO) can be played with `playMedia`. */
  onUserMediaAvailable?(userId: string, mediaType: RCCallPlusMediaType): void;
  /** The call's timer starts (`startTime`: ms since epoch). */
  onReceivedCallStart?(info: { callId: string; startTime: number }): void;
}

/** Push texts of `startCall` (the per-platform fields of CallLib's `IPushConfig` pass through). */
export interface IRCCallPlusPushConfig {
  pushTitle?: string;
  pushContent?: string;
  [vendorField: string]: unknown;
}
