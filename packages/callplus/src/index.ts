/** CallPlus: the CallPlus Web 2.x compatible client (IIFE global `CallPlus`), on OpenCall's call engine. */
export { RCCallPlusClient } from './callplus-client.js';
export { RCCallPlusSession } from './callplus-session.js';
export { RCCallPlusCallState, RCCallPlusCode, RCCallPlusMediaType, RCCallPlusType } from './enums.js';
export { headlessInstaller, installer, VERSION } from './installer.js';
export type { IRCCallPlusVideoView } from './media-views.js';
export { OpenCallNotSupportedError } from './not-supported.js';
export type * from './types.js';
