/**
 * `@opencall/imlib`: the IM connection and the IMLib 5 compatible facade.
 *
 * Two audiences:
 * - other packages and Node tests: `createIMLib`, `ImConnection`, the plugin port types;
 * - apps: the top-level IMLib 5 functions (`init`, `connect`, …) bound to one default instance,
 *   which the SDK build exposes as the global `RongIMLib`.
 */

import type { EventListener, Events } from './events.js';
import type { PluginInstaller } from './plugin-context.js';
import { type CreateIMLibOptions, createIMLib, type InitOptions, type RongIMLibClient } from './rong-imlib.js';

export { ConversationType, ErrorCode, LogL, LogLevel, RCConnectionStatus } from '@opencall/protocol';
export { type BackoffOptions, reconnectDelayMs } from './backoff.js';
export { CONNECTION_STATES, type ConnectionState, IllegalConnectionTransition, toConnectionStatus } from './connection-machine.js';
export { DEVICE_ID_STORAGE_KEY } from './device-id.js';
export { type EventArgs, type EventListener, Events } from './events.js';
export {
  type ConnectionStateChange,
  type ConnectResult,
  FATAL_CONNECTION_CODES,
  ImConnection,
  type ImConnectionOptions,
} from './im-connection.js';
export type { PluginContext, PluginInstaller, PluginLogger, PluginRuntime, RequestBody, RequestResult } from './plugin-context.js';
export { type ConnectResponse, type CreateIMLibOptions, createIMLib, type InitOptions, RongIMLibClient } from './rong-imlib.js';
export { deriveWebSocketUrl, type ServerAddressOptions } from './server-url.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';

let defaultInstance: RongIMLibClient | undefined;

/** The instance behind the top-level functions (created on first use with browser defaults). */
export function getDefaultIMLib(options?: CreateIMLibOptions): RongIMLibClient {
  defaultInstance ??= createIMLib(options);
  return defaultInstance;
}

/** IMLib 5 `init`. */
export function init(options: InitOptions): void {
  getDefaultIMLib().init(options);
}
/** IMLib 5 `connect`. */
export function connect(token: string): ReturnType<RongIMLibClient['connect']> {
  return getDefaultIMLib().connect(token);
}
/** IMLib 5 `disconnect`. */
export function disconnect(): Promise<void> {
  return getDefaultIMLib().disconnect();
}
/** IMLib 5 `installPlugin`. */
export function installPlugin<API, Options>(installer: PluginInstaller<API, Options>, options: Options): API | null {
  return getDefaultIMLib().installPlugin(installer, options);
}
export function addEventListener<E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void {
  getDefaultIMLib().addEventListener(type, listener, target);
}
export function onceEventListener<E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void {
  getDefaultIMLib().onceEventListener(type, listener, target);
}
export function removeEventListener<E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void {
  getDefaultIMLib().removeEventListener(type, listener, target);
}
export function removeEventListeners(type: Events): void {
  getDefaultIMLib().removeEventListeners(type);
}
export function clearEventListeners(): void {
  getDefaultIMLib().clearEventListeners();
}
export function getCurrentUserId(): string {
  return getDefaultIMLib().getCurrentUserId();
}
export function getServerTime(): number {
  return getDefaultIMLib().getServerTime();
}
export function getConnectionStatus(): ReturnType<RongIMLibClient['getConnectionStatus']> {
  return getDefaultIMLib().getConnectionStatus();
}
