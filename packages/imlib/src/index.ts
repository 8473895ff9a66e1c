/**
 * `@opencall/imlib`: the IM connection and the IMLib 5 compatible facade.
 *
 * Two audiences:
 * - other packages and Node tests: `createIMLib`, `ImConnection`, the plugin port types;
 * - apps: the top-level IMLib 5 functions (`init`, `connect`, …) bound to one default instance,
 *   which the SDK build exposes as the global `RongIMLib`.
 */

import * as engine from '@opencall/engine';
import * as protocol from '@opencall/protocol/client';
import { createRongIMClient, type RongIMClientStatic } from './compat/imlib-v2.js';
import { IMClient, initV4 } from './compat/imlib-v4.js';
import type { EventListener, Events } from './events.js';
import type { PluginInstaller } from './plugin-context.js';
import { type CreateIMLibOptions, createIMLib, type InitOptions, type RongIMLibClient } from './rong-imlib.js';

export {
  ConversationType,
  ErrorCode,
  IllegalTransitionError,
  /** @deprecated the one `IllegalTransitionError` of every machine (this name is kept for existing imports). */
  IllegalTransitionError as IllegalConnectionTransition,
  LogL,
  LogLevel,
  RCConnectionStatus,
} from '@opencall/protocol';
export { type BackoffOptions, reconnectDelayMs } from './backoff.js';
export { CONNECTION_STATES, type ConnectionState, toConnectionStatus } from './connection-machine.js';
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
export { deriveWebSocketUrl, deriveWebSocketUrls, type ServerAddressOptions } from './server-url.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';

let defaultInstance: RongIMLibClient | undefined;

/** The instance behind the top-level functions (created on first use with browser defaults). */
export function getDefaultIMLib(options?: CreateIMLibOptions): RongIMLibClient {
  defaultInstance ??= createIMLib(options);
  return defaultInstance;
}

/**
 * IMLib 5 `init` (returns nothing there). It also returns the IMLib 4.x `IMClient`, so a 4.x page's
 * `RongIMLib.init(...).install(...)` works too; IMLib 5 apps ignore the value.
 */
export function init(options: InitOptions): IMClient {
  return initV4(options, getDefaultIMLib());
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

// IMLib 4.x / 2.x adapter facades over the same core (seed: "CallLib 配合 IMLib 4.X / 2.X").

export {
  type ConnectionStatusListener,
  createRongIMClient,
  type RongIMClientConnectCallbacks,
  type RongIMClientInitOptions,
  type RongIMClientInstance,
  type RongIMClientStatic,
} from './compat/imlib-v2.js';
export { IMClient, type IMLibV4Error, type IMLibV4User, type IMLibV4Watcher, initV4 } from './compat/imlib-v4.js';
export { ConnectionStatus } from './compat/legacy-status.js';

/** IMLib 2.x `RongIMClient` (`RongIMLib.RongIMClient`), bound to the default instance. */
export const RongIMClient: RongIMClientStatic = createRongIMClient(() => getDefaultIMLib());

/**
 * IMLib 4.x adapter (`@rongcloud/imlib-v4-adapter`'s `init` + `IMClient`), bound to the default
 * instance: `RongIMLib.RongIMLibV4.init({ appkey, navigators })` returns an `IMClient`. A namespace
 * because the top-level `init` is IMLib 5's (returns nothing).
 */
export const RongIMLibV4 = {
  init: (options: InitOptions): IMClient => initV4(options, getDefaultIMLib()),
  IMClient,
} as const;

/**
 * Internal: the protocol module (enums, codes, frame schemas) for the RCRTC.js and RCCall.js bundles,
 * which read it from here instead of carrying their own copies, and the engine module that the
 * RongIMLib.js bundle also exposes as the `RCEngine` global. Not part of the IMLib API.
 */
export const __opencall = { protocol, engine } as const;
