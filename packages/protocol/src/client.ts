/**
 * `@opencall/protocol/client`: the part of the protocol the browser bundles share.
 *
 * RongIMLib.js exposes this module as `RongIMLib.__opencall.protocol`; RCRTC.js, RCCall.js, CallPlus.js and
 * CallPlusWrapper.js read it from there instead of carrying their own copy (scripts/build-sdk.mjs). A global
 * cannot be tree-shaken, so this entry lists exactly the values those bundles import — not the server,
 * console, call-query or web-push bodies of the full index. The build fails with "No matching export" when
 * one of those bundles imports a value missing here. Types need no entry: they are erased at build time.
 */

export { RCCallErrorCode } from './codes/call-error-code.js';
export { RCCallEndReason, toRemoteEndReason } from './codes/end-reason.js';
export {
  ConversationType,
  LogLevel,
  RCCallLanguage,
  RCCallMediaType,
  RCCallSessionState,
  RCCallUserState,
  RCConnectionStatus,
  RCFrameRate,
  RCKickReason,
  RCMediaType,
  RCResolution,
  RCRTCCode,
  RCRTCPingResult,
  RTCJoinType,
} from './enums.js';
export { consoleListenerErrors, SafeEmitter } from './kernel/safe-emitter.js';
export { defineMachine } from './kernel/state-machine.js';
export { roomEventProblem, sdpProblem } from './media-checks.js';
export { PUSH_VENDOR_KEYS, PushVendorConfig } from './push-config.js';
export { defaultPushTitle } from './push-text.js';
export { requestThroughPause, TRANSIENT_REQUEST_CODES } from './request-retry.js';
export type { HangupTelemetry } from './telemetry-frames.js';
export { MAX_HANGUP_TELEMETRY_SAMPLES, MAX_TELEMETRY_SAMPLES } from './version.js';
