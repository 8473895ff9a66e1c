/**
 * CallPlusWrapper (IIFE global `CallPlusWrapper`, npm `@opencall/callplus/wrapper`): CallLib 5.x's
 * API on a CallPlus client, for apps migrating from CallLib. Enums keep CallLib's values.
 */
export {
  RCCallEndReason,
  RCCallErrorCode,
  RCCallLanguage,
  RCCallMediaType,
  RCCallSessionState,
  RCCallUserState,
} from '@opencall/protocol';
export { installer, VERSION } from './installer.js';
export type * from './types.js';
export { RCCallClient } from './wrapper-client.js';
export { RCCallSession } from './wrapper-session.js';
