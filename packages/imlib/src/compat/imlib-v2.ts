/**
 * The IMLib 2.x adapter facade (`RongIMClient`, `@rongcloud/imlib-v2-adapter`) over the same 5.x
 * core. Seed, "CallLib 配合 IMLib 2.X":
 *   RongIMClient.init('<appkey>');                     // 2.x: init(appkey, dataAccessProvider, { navi })
 *   const im = RongIMClient.getInstance();
 *   const rtcClient = im.install(RCRTC.installer);
 *   RongIMClient.connect(token, { onSuccess(userId), onTokenIncorrect(), onError(errorCode) });
 * plus `setConnectionStatusListener({ onChanged(status) })` and `setOnReceiveMessageListener`
 * (accepted; OpenCall carries no IM messages), which 2.x apps call before connecting.
 * `onError` receives the IMLib `ErrorCode` (31xxx / 3xxxx) of the failure.
 */
import { ErrorCode } from '@opencall/protocol';
import type { PluginInstaller } from '../plugin-context.js';
import type { InitOptions, RongIMLibClient } from '../rong-imlib.js';
import { type ConnectionStatus, watchLegacyStatus } from './legacy-status.js';

/** IMLib 2.x `connect` callbacks: exactly one of them is called per `connect`. */
export interface RongIMClientConnectCallbacks {
  /** Connected as `userId`. */
  onSuccess?(userId: string): void;
  /** The token was refused (incorrect or expired). */
  onTokenIncorrect?(): void;
  /** Any other failure, with its IMLib `ErrorCode`. */
  onError?(errorCode: ErrorCode | number): void;
}

/** IMLib 2.x `setConnectionStatusListener` argument. */
export interface ConnectionStatusListener {
  /** The connection status changed (2.x `ConnectionStatus` values). */
  onChanged(status: ConnectionStatus): void;
}

/** 2.x `init`'s third argument: the server address (`navi`, 5.x-style `navigators` also accepted). */
export interface RongIMClientInitOptions {
  navi?: string;
  navigators?: string[];
  [ignored: string]: unknown;
}

/** The object `RongIMClient.getInstance()` returns. */
export interface RongIMClientInstance {
  install<API, Options>(installer: PluginInstaller<API, Options>, options?: Options): API | null;
  disconnect(): Promise<void>;
  logout(): Promise<void>;
  getCurrentUserId(): string;
}

/** The static `RongIMClient` API of IMLib 2.x. */
export interface RongIMClientStatic {
  init(appkey: string, dataAccessProvider?: unknown, options?: RongIMClientInitOptions): void;
  getInstance(): RongIMClientInstance;
  connect(token: string, callbacks: RongIMClientConnectCallbacks): RongIMClientInstance;
  setConnectionStatusListener(listener: ConnectionStatusListener): void;
  setOnReceiveMessageListener(listener: unknown): void;
}

function safely(run: () => void, what: string): void {
  try {
    run();
  } catch (error) {
    console.error(`RongIMClient: ${what} threw`, error);
  }
}

/**
 * A `RongIMClient` bound to the core `getCore()` returns (evaluated at `init`, once).
 * `getInstance` / `connect` before `init` throw, as in 2.x.
 */
export function createRongIMClient(getCore: () => RongIMLibClient): RongIMClientStatic {
  let core: RongIMLibClient | undefined;
  let instance: RongIMClientInstance | undefined;
  let statusListener: ConnectionStatusListener | undefined;
  let unwatch: (() => void) | undefined;

  function initialized(method: string): RongIMLibClient {
    if (core === undefined) throw new Error(`RongIMClient.${method}: call RongIMClient.init(appkey) first`);
    return core;
  }

  function attachStatusListener(): void {
    unwatch?.();
    unwatch = undefined;
    if (core === undefined || statusListener === undefined) return;
    const listener = statusListener;
    unwatch = watchLegacyStatus(core, (status) => safely(() => listener.onChanged(status), 'onChanged'));
  }

  const api: RongIMClientStatic = {
    init(appkey, _dataAccessProvider, options) {
      if (core !== undefined) return;
      const target = getCore();
      const init: InitOptions = { ...(options ?? {}), appkey };
      target.init(init);
      core = target;
      instance = {
        install: (installer, pluginOptions) => target.installPlugin(installer, pluginOptions as never),
        disconnect: () => target.disconnect(),
        logout: () => target.disconnect(),
        getCurrentUserId: () => target.getCurrentUserId(),
      };
      attachStatusListener();
    },
    getInstance() {
      initialized('getInstance');
      return instance as RongIMClientInstance;
    },
    connect(token, callbacks) {
      const target = initialized('connect');
      void target.connect(token).then((result) => {
        if (result.isOk && result.data !== undefined) {
          const { userId } = result.data;
          safely(() => callbacks?.onSuccess?.(userId), 'onSuccess');
        } else if (result.code === ErrorCode.RC_CONN_TOKEN_INCORRECT) {
          safely(() => callbacks?.onTokenIncorrect?.(), 'onTokenIncorrect');
        } else {
          safely(() => callbacks?.onError?.(result.code), 'onError');
        }
      });
      return instance as RongIMClientInstance;
    },
    setConnectionStatusListener(listener) {
      statusListener = listener !== null && typeof listener === 'object' && typeof listener.onChanged === 'function' ? listener : undefined;
      attachStatusListener();
    },
    setOnReceiveMessageListener() {},
  };
  return api;
}
