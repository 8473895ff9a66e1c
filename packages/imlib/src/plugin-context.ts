/**
 * What IMLib gives the plugins installed on it (RCRTC, RCCall): the narrow port through which they
 * reach the server. Plugins never touch the WebSocket.
 */
import type { ClientRequest, ClientRequestType, IceServer, RCConnectionStatus, Reply, ServerEvent } from '@opencall/protocol';

/** A request without its `rid` (IMLib numbers requests). */
export type RequestBody<R extends ClientRequest = ClientRequest> = R extends unknown ? Omit<R, 'rid'> : never;

/**
 * The server's answer to a request of type `T`: `code` 10000 (success) or a catalogued error code;
 * `data` typed by the protocol's reply map (`REPLY_DATA`) and checked against it on arrival.
 */
export type RequestResult<T extends ClientRequestType = ClientRequestType> = Reply<T>;

export interface PluginLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface PluginContext {
  /** Connected user id ('' before the first successful connect). */
  getCurrentId(): string;
  /** This device's id (persisted per tab in sessionStorage where available). */
  getDeviceId(): string;
  /** Server time estimate (ms since epoch). */
  getServerTime(): number;
  /** ICE servers handed out by the server (TURN credentials included): the latest ones, refreshed before they expire. */
  getIceServers(): IceServer[];
  /**
   * The ICE servers changed (fresh TURN credentials, at reconnect or pushed before the old ones expire):
   * apply them to live RTCPeerConnections. Returns an unsubscribe function.
   */
  onIceServersChange(listener: (iceServers: IceServer[]) => void): () => void;
  /** The server's no-answer timeout (ms). */
  getRingTimeoutMs(): number;
  /** WebSocket URL of the server (of `navigators`) that answered last; undefined before the first connect. */
  getCurrentServer(): string | undefined;
  getConnectionStatus(): RCConnectionStatus;
  /**
   * Send a request. Never rejects: when not connected it resolves with
   * `ErrorCode.RC_NET_CHANNEL_INVALID`, after `timeoutMs` (default 10 s) with `ErrorCode.TIMEOUT`.
   * The reply's `data` is the type the protocol names for `body.t`. `deferred`: the frame is written
   * at the end of the current synchronous run instead of now (what follows in the run goes first;
   * frames keep their order on the wire).
   */
  request<B extends RequestBody>(body: B, timeoutMs?: number, deferred?: boolean): Promise<RequestResult<B['t']>>;
  /** Every server event, in order, once. Returns an unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void;
  /**
   * The server started a new event stream for this device after an earlier one (the device was away
   * longer than the server keeps streams, or another user connected): events of the old stream may be
   * lost, so plugins drop state built from them. Fired before any event of the new stream.
   */
  onStreamReset(listener: () => void): () => void;
  /** Connection status changes. Returns an unsubscribe function. */
  onStatusChange(listener: (status: RCConnectionStatus) => void): () => void;
  logger: PluginLogger;
}

/** Runtime description handed to installers (`verify(runtime)`). */
export interface PluginRuntime {
  tag: 'browser' | 'node';
}

/** An installable plugin (IMLib 5 `IPluginGenerator`). */
export interface PluginInstaller<API, Options> {
  readonly tag: string;
  readonly version?: string;
  readonly name?: string;
  verify(runtime: PluginRuntime): boolean;
  setup(context: PluginContext, runtime: PluginRuntime, options: Options): API;
}
