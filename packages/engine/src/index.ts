/**
 * `@opencall/engine`: the drop-in for RongCloud's engine (`@rongcloud/engine`, CDN global `RCEngine`,
 * which RongCloud's IMLib 2.x, 4.x and 5.x bundles all create; OpenCall's RongIMLib.js does too).
 * Enums with RongCloud's names and values, the `EventEmitter`, and the engine's type checks.
 */
import type { LogL } from '@opencall/protocol';

export {
  ConversationType,
  ErrorCode,
  LogL,
  LogLevel,
  RCConnectionStatus,
  RTCJoinType,
} from '@opencall/protocol';
export { EventEmitter, type ListenerErrorHandler } from './event-emitter.js';
export {
  CallLibMsgType,
  ConnectionStatus,
  FileType,
  HttpMethod,
  MentionedType,
  MessageDirection,
  MessageType,
  NotificationStatus,
  ReceivedStatus,
  RTCMode,
  UploadMethod,
} from './legacy-enums.js';
export * from './type-guards.js';

/** The engine version OpenCall's engine answers to (RongCloud's 5.x line). */
export const version = '5.9.5';

/** The `LogL` levels `init({ logOutputLevel })` accepts. */
export type EnableLogL = LogL.DEBUG | LogL.INFO | LogL.WARN | LogL.ERROR;
