/** RCCall: the CallLib Web 5.x compatible call plugin (IIFE global `RCCall`). */
export {
  RCCallEndReason,
  RCCallErrorCode,
  RCCallLanguage,
  RCCallMediaType,
  RCCallSessionState,
  RCCallUserState,
} from '@opencall/protocol';
export { RCCallClient } from './call-client.js';
export { RCCallSession } from './call-session.js';
export { headlessInstaller, installer, VERSION } from './installer.js';
export type * from './types.js';
