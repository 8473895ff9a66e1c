/**
 * The IMLib 5 facade (`RongIMLib`): `init`, `connect`, `disconnect`, `installPlugin`, the event
 * listener API and the getters, over one `ImConnection`. `createIMLib()` makes independent
 * instances (several users in one Node process); the IIFE global binds one default instance.
 */
import {
  DEFAULT_RING_TIMEOUT_MS,
  ErrorCode,
  type IceServer,
  LogL,
  type LogLevel,
  RCConnectionStatus,
  SafeEmitter,
  type ServerEvent,
} from '@opencall/protocol';
import type { BackoffOptions } from './backoff.js';
import { loadOrCreateDeviceId } from './device-id.js';
import { type EventListener, EventRegistry, Events } from './events.js';
import { type ConnectionStateChange, ImConnection } from './im-connection.js';
import { LevelLogger, type LogStdout, logLFromLegacyLevel } from './logger.js';
import type { PluginContext, PluginInstaller, PluginRuntime } from './plugin-context.js';
import { deriveWebSocketUrls } from './server-url.js';
import type { WebSocketConstructor } from './websocket-like.js';

/** IMLib 5 `IInitOption`: the fields OpenCall reads; any other field is accepted and ignored. */
export interface InitOptions {
  appkey: string;
  /**
   * Server addresses (http(s) or ws(s) URLs), tried in order: when one cannot be reached the next is
   * tried at once, and a dropped connection reconnects to the next one first.
   */
  navigators?: string[];
  /** Legacy single server address used by sample apps. */
  navi?: string;
  /** Log output level. Default `LogL.WARN`. */
  logOutputLevel?: LogL;
  /** Deprecated level (used when `logOutputLevel` is absent). */
  logLevel?: LogLevel;
  /** Deprecated: receives log lines instead of the console. */
  logStdout?: LogStdout;
  [ignored: string]: unknown;
}

/** IMLib's `RCResult` of `connect`. */
export interface ConnectResponse {
  code: ErrorCode | number;
  data?: { userId: string };
  msg?: string;
  isOk: boolean;
}

/** Options of `createIMLib` (not part of IMLib's API). */
export interface CreateIMLibOptions {
  /** WebSocket class; default `globalThis.WebSocket` (pass `ws`'s `WebSocket` in Node). */
  WebSocket?: WebSocketConstructor;
  /** This device's id; default from `sessionStorage['OpenCallDeviceId']` (per tab), else random. */
  deviceId?: string;
  /** Runtime handed to plugin installers; default 'browser' when `window` exists. */
  runtimeTag?: 'browser' | 'node';
  /** Connect attempt timeout (ms); default 10 000. */
  connectTimeoutMs?: number;
  /** Reconnect backoff; default 500 ms → 30 s. */
  backoff?: BackoffOptions;
}

type PluginEvents = {
  event: [event: ServerEvent];
  status: [status: RCConnectionStatus];
  streamReset: [];
  iceServers: [iceServers: IceServer[]];
};

/** One IMLib instance. All methods may be called unbound. */
export class RongIMLibClient {
  private connection: ImConnection | undefined;
  private readonly logger = new LevelLogger({ level: LogL.WARN, tag: 'RongIMLib' });
  private readonly listeners = new EventRegistry(this.logger);
  private readonly pluginEvents = new SafeEmitter<PluginEvents>((event, error) =>
    this.logger.error(`PluginContext: listener of ${event} threw`, error),
  );
  private readonly runtime: PluginRuntime;
  private readonly deviceId: string;
  private readonly context: PluginContext;

  constructor(private readonly options: CreateIMLibOptions = {}) {
    this.deviceId = options.deviceId ?? loadOrCreateDeviceId();
    this.runtime = { tag: options.runtimeTag ?? (typeof window === 'undefined' ? 'node' : 'browser') };
    this.context = this.createPluginContext();
  }

  /** Configure the instance. Callable once; later calls are ignored with a warning. Throws without a usable server address. */
  init = (options: InitOptions): void => {
    if (this.connection !== undefined) {
      this.logger.warn('init: already initialized; ignoring this call');
      return;
    }
    if (options === null || typeof options !== 'object' || typeof options.appkey !== 'string' || options.appkey === '') {
      throw new Error('RongIMLib.init: `appkey` (non-empty string) is required');
    }
    const level = typeof options.logOutputLevel === 'number' ? options.logOutputLevel : undefined;
    const legacy = typeof options.logLevel === 'number' ? logLFromLegacyLevel(options.logLevel) : undefined;
    this.logger.configure({
      level: level ?? legacy ?? LogL.WARN,
      ...(typeof options.logStdout === 'function' ? { stdout: options.logStdout } : {}),
    });
    const origin = typeof location === 'undefined' ? undefined : location.origin;
    const urls = deriveWebSocketUrls({ navigators: options.navigators, navi: options.navi }, origin);
    const WebSocketClass = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    const connection = new ImConnection({
      WebSocket: WebSocketClass ?? missingWebSocket(),
      urls,
      appKey: options.appkey,
      deviceId: this.deviceId,
      logger: this.logger.child('IMConnection'),
      connectTimeoutMs: this.options.connectTimeoutMs,
      backoff: this.options.backoff,
    });
    connection.onStateChange((change) => this.onConnectionState(change));
    connection.onEvent((event) => this.pluginEvents.emit('event', event));
    connection.onStreamReset(() => this.pluginEvents.emit('streamReset'));
    connection.onIceServers((iceServers) => this.pluginEvents.emit('iceServers', iceServers));
    this.connection = connection;
    this.logger.info(`initialized; servers ${urls.join(', ')}`);
  };

  /** Connect with a token from the server API. Resolves (never rejects) with `code` 0 and `data.userId` on success. */
  connect = async (token: string): Promise<ConnectResponse> => {
    const connection = this.connection;
    if (connection === undefined) return failure(ErrorCode.RC_CONN_NOT_INIT, 'call init before connect');
    if (typeof token !== 'string' || token === '') return failure(ErrorCode.PARAMETER_ERROR, 'token must be a non-empty string');
    const result = await connection.connect(token);
    if (result.code !== ErrorCode.SUCCESS) return failure(result.code, result.message ?? 'connect failed');
    return { code: ErrorCode.SUCCESS, data: { userId: connection.currentUserId }, isOk: true };
  };

  /** Close the connection; no automatic reconnect follows. */
  disconnect = async (): Promise<void> => {
    await this.connection?.disconnect();
  };

  /** Install a plugin (RCRTC, RCCall). Returns null when `verify` rejects this runtime; `setup` errors propagate. */
  installPlugin = <API, Options>(installer: PluginInstaller<API, Options>, options: Options): API | null => {
    if (installer === null || typeof installer !== 'object' || typeof installer.setup !== 'function') {
      this.logger.error('installPlugin: not a plugin installer');
      return null;
    }
    if (typeof installer.verify === 'function' && !installer.verify(this.runtime)) {
      this.logger.error(`installPlugin: plugin '${installer.tag}' does not support runtime '${this.runtime.tag}'`);
      return null;
    }
    if (this.connection === undefined) this.logger.warn(`installPlugin: '${installer.tag}' installed before init`);
    return installer.setup(this.context, this.runtime, options);
  };

  addEventListener = <E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void => {
    this.listeners.add(type, listener, target);
  };
  onceEventListener = <E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void => {
    this.listeners.add(type, listener, target, true);
  };
  removeEventListener = <E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void => {
    this.listeners.remove(type, listener, target);
  };
  removeEventListeners = (type: Events): void => {
    this.listeners.removeAll(type);
  };
  clearEventListeners = (): void => {
    this.listeners.clear();
  };

  /** The connected user's id ('' before the first successful connect). */
  getCurrentUserId = (): string => this.connection?.currentUserId ?? '';
  /** Server time estimate (ms since epoch); the local clock before the first connect. */
  getServerTime = (): number => this.connection?.serverTime() ?? Date.now();
  getConnectionStatus = (): RCConnectionStatus => this.connection?.status ?? RCConnectionStatus.DISCONNECTED;

  private onConnectionState(change: ConnectionStateChange): void {
    this.pluginEvents.emit('status', this.getConnectionStatus());
    switch (change.to) {
      case 'connecting':
        this.listeners.emit(Events.CONNECTING);
        return;
      case 'connected':
        this.listeners.emit(Events.CONNECTED);
        this.listeners.emit(Events.PULL_OFFLINE_MESSAGE_FINISHED);
        return;
      case 'suspended':
        this.listeners.emit(Events.SUSPEND, change.code);
        return;
      case 'disconnected':
        // A failed first connect is reported by `connect`'s result, not by an event.
        if (change.from === 'connected' || change.from === 'suspended') this.listeners.emit(Events.DISCONNECT, change.code);
        return;
      case 'idle':
        return;
    }
  }

  private createPluginContext(): PluginContext {
    return {
      getCurrentId: () => this.getCurrentUserId(),
      getDeviceId: () => this.deviceId,
      getServerTime: () => this.getServerTime(),
      getIceServers: () => this.connection?.currentIceServers ?? [],
      getRingTimeoutMs: () => this.connection?.currentRingTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS,
      getCurrentServer: () => this.connection?.currentServer,
      getConnectionStatus: () => this.getConnectionStatus(),
      request: (body, timeoutMs, deferred) =>
        this.connection?.request(body, timeoutMs, deferred) ??
        Promise.resolve({ code: ErrorCode.RC_NET_CHANNEL_INVALID, message: 'not initialized' }),
      onEvent: (listener) => this.pluginEvents.on('event', listener),
      onStatusChange: (listener) => this.pluginEvents.on('status', listener),
      onStreamReset: (listener) => this.pluginEvents.on('streamReset', listener),
      onIceServersChange: (listener) => this.pluginEvents.on('iceServers', listener),
      logger: this.logger.child('Plugin'),
    };
  }
}

/** A new, independent IMLib instance. */
export function createIMLib(options?: CreateIMLibOptions): RongIMLibClient {
  return new RongIMLibClient(options);
}

function failure(code: number, msg: string): ConnectResponse {
  return { code, msg, isOk: false };
}

/** Stand-in class when the runtime has no WebSocket: every attempt fails with RC_NET_UNAVAILABLE (and logs why). */
function missingWebSocket(): WebSocketConstructor {
  return class {
    constructor() {
      throw new Error('no WebSocket in this runtime: pass createIMLib({ WebSocket }) (e.g. from the `ws` package)');
    }
  } as unknown as WebSocketConstructor;
}
