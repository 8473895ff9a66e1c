/** IMLib 5 `Events` and the listener registry behind `addEventListener` and friends. */
import { EventEmitter } from '@opencall/engine';
import type { ErrorCode } from '@opencall/protocol';
import type { PluginLogger } from './plugin-context.js';

/** IMLib 5 `Events` (string enum, same names and values). */
export enum Events {
  /** Connecting (first connect). */
  CONNECTING = 'CONNECTING',
  /** Connected (first connect or after a reconnect). */
  CONNECTED = 'CONNECTED',
  /** Disconnected for good; argument: the `ErrorCode` why (31011 when the app disconnected). */
  DISCONNECT = 'DISCONNECT',
  /** The connection dropped and is being re-established; argument: the `ErrorCode` why. */
  SUSPEND = 'SUSPEND',
  /** IM messages arrived; argument `{ messages }` (OpenCall carries no IM messages). */
  MESSAGES = 'MESSAGES',
  /** Offline messages have been pulled after a connect. */
  PULL_OFFLINE_MESSAGE_FINISHED = 'PULL_OFFLINE_MESSAGE_FINISHED',
  // IMLib 5 events about IM features OpenCall does not carry (messages, conversations, chatrooms,
  // ultra groups): listeners can be added and removed, and never fire.
  READ_RECEIPT_RECEIVED = 'READ_RECEIPT_RECEIVED',
  MESSAGE_RECEIPT_REQUEST = 'MESSAGE_RECEIPT_REQUEST',
  MESSAGE_RECEIPT_RESPONSE = 'MESSAGE_RECEIPT_RESPONSE',
  CONVERSATION = 'CONVERSATION',
  CHATROOM = 'CHATROOM',
  EXPANSION = 'EXPANSION',
  TAG = 'TAG',
  CONVERSATION_TAG = 'CONVERSATION_TAG',
  TYPING_STATUS = 'TYPING_STATUS',
  MESSAGE_BLOCKED = 'MESSAGE_BLOCKED',
  ULTRA_GROUP_ENABLE = 'ULTRA_GROUP_ENABLE',
  OPERATE_STATUS = 'OPERATE_STATUS',
  ULTRA_GROUP_MESSAGE_EXPANSION_UPDATED = 'ULTRA_GROUP_MESSAGE_EXPANSION_UPDATED',
  ULTRA_GROUP_MESSAGE_MODIFIED = 'ULTRA_GROUP_MESSAGE_MODIFIED',
  ULTRA_GROUP_MESSAGE_RECALLED = 'ULTRA_GROUP_MESSAGE_RECALLED',
  ULTRA_GROUP_CHANNEL_TYPE_CHANGE = 'ULTRA_GROUP_CHANNEL_TYPE_CHANGE',
  ULTRA_GROUP_CHANNEL_DELETE = 'ULTRA_GROUP_CHANNEL_DELETE',
  ULTRA_GROUP_CHANNEL_USER_KICKED = 'ULTRA_GROUP_CHANNEL_USER_KICKED',
}

/** Listener argument lists per event. */
export interface EventArgs {
  [Events.CONNECTING]: [];
  [Events.CONNECTED]: [];
  [Events.DISCONNECT]: [code: ErrorCode | number];
  [Events.SUSPEND]: [code: ErrorCode | number];
  [Events.MESSAGES]: [event: { messages: unknown[] }];
  [Events.PULL_OFFLINE_MESSAGE_FINISHED]: [];
  [Events.READ_RECEIPT_RECEIVED]: [event: unknown];
  [Events.MESSAGE_RECEIPT_REQUEST]: [event: unknown];
  [Events.MESSAGE_RECEIPT_RESPONSE]: [event: unknown];
  [Events.CONVERSATION]: [event: unknown];
  [Events.CHATROOM]: [event: unknown];
  [Events.EXPANSION]: [event: unknown];
  [Events.TAG]: [event: unknown];
  [Events.CONVERSATION_TAG]: [event: unknown];
  [Events.TYPING_STATUS]: [event: unknown];
  [Events.MESSAGE_BLOCKED]: [event: unknown];
  [Events.ULTRA_GROUP_ENABLE]: [event: unknown];
  [Events.OPERATE_STATUS]: [event: unknown];
  [Events.ULTRA_GROUP_MESSAGE_EXPANSION_UPDATED]: [event: unknown];
  [Events.ULTRA_GROUP_MESSAGE_MODIFIED]: [event: unknown];
  [Events.ULTRA_GROUP_MESSAGE_RECALLED]: [event: unknown];
  [Events.ULTRA_GROUP_CHANNEL_TYPE_CHANGE]: [event: unknown];
  [Events.ULTRA_GROUP_CHANNEL_DELETE]: [event: unknown];
  [Events.ULTRA_GROUP_CHANNEL_USER_KICKED]: [event: unknown];
}

export type EventListener<E extends Events> = (...args: EventArgs[E]) => void;

/**
 * IMLib's listener registry: the engine's `EventEmitter` (listeners bound to an optional `target`,
 * one-shot listeners, safe emit) typed with IMLib's events, reporting throwing listeners to the logger.
 */
export class EventRegistry {
  private readonly emitter: EventEmitter<Events>;

  constructor(logger: Pick<PluginLogger, 'error'>) {
    this.emitter = new EventEmitter<Events>((type, err) => logger.error(`listener of ${type} threw`, err));
  }

  add<E extends Events>(type: E, listener: EventListener<E>, target?: unknown, once = false): void {
    if (once) this.emitter.once(type, listener, target);
    else this.emitter.on(type, listener, target);
  }

  remove<E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void {
    this.emitter.off(type, listener, target);
  }

  removeAll(type: Events): void {
    this.emitter.removeAll(type);
  }

  clear(): void {
    this.emitter.clear();
  }

  emit<E extends Events>(type: E, ...args: EventArgs[E]): void {
    this.emitter.emit(type, ...args);
  }
}
