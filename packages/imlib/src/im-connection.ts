/**
 * The IM connection: one WebSocket to the server, authenticated with a token, kept alive by
 * heartbeats, re-established with backoff after a drop, carrying requests (`rid` → `res`) and
 * ordered server events (`evt` → `ack`). Runs in browsers and in Node (pass `ws`'s class).
 * With several servers it rotates through them (server-rotation.ts): on to the next one at once when
 * an attempt fails, to the next one first after a drop, backoff only between full rounds.
 *
 * Ownership: the connection owns its socket and all its timers; `disconnect()` releases both, and a
 * dropped socket releases its own (pending requests resolve with RC_NET_CHANNEL_INVALID).
 */
import {
  type ClientFrame,
  type ClientRequest,
  checkReply,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_RING_TIMEOUT_MS,
  ErrorCode,
  encodeFrame,
  type IceServer,
  PROTOCOL_VERSION,
  type RCConnectionStatus,
  SafeEmitter,
  type ServerEvent,
  type UncheckedReply,
  type WelcomeFrame,
} from '@opencall/protocol';
import { type BackoffOptions, reconnectDelayMs } from './backoff.js';
import { type AttemptOutcome, closeQuietly, decodeServerMessage, startAttempt } from './connect-attempt.js';
import { CONNECTION_MACHINE, type ConnectionEvent, type ConnectionState, toConnectionStatus } from './connection-machine.js';
import { Heartbeat } from './heartbeat.js';
import { PendingRequests } from './pending-requests.js';
import type { PluginLogger, RequestBody, RequestResult } from './plugin-context.js';
import { INITIAL_ROTATION, type RotationEvent, rotate } from './server-rotation.js';
import { type WebSocketConstructor, type WebSocketLike, WS_OPEN } from './websocket-like.js';

/** Codes after which retrying with the same token cannot succeed: no automatic reconnect. */
export const FATAL_CONNECTION_CODES: ReadonlySet<number> = new Set([
  ErrorCode.RC_CONN_PROTO_VERSION_ERROR,
  ErrorCode.RC_CONN_ID_REJECT,
  ErrorCode.RC_CONN_TOKEN_INCORRECT,
  ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED,
  ErrorCode.RC_CONN_USER_BLOCKED,
  ErrorCode.RC_DISCONN_KICK,
  ErrorCode.RC_CONN_TOKEN_EXPIRED,
  ErrorCode.OC_TOO_MANY_DEVICES,
]);

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 200;

export interface ImConnectionOptions {
  WebSocket: WebSocketConstructor;
  /** Full WebSocket URLs of the IM endpoint, in the order to try them (see `deriveWebSocketUrls`); at least one. */
  urls: readonly string[];
  appKey: string;
  deviceId: string;
  logger: PluginLogger;
  /** Sent in `hello`. Default 'Web'. */
  platform?: string;
  /** How long one connection attempt may wait for `welcome` (ms). Default 10 000. */
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Rounds of retries (each tries every server once) after a drop before giving up with DISCONNECT(RC_NET_UNAVAILABLE). Default 200. */
  maxReconnectAttempts?: number;
}

/** A state change, with the code that caused it (0 for connect / welcome). */
export interface ConnectionStateChange {
  from: ConnectionState;
  to: ConnectionState;
  event: ConnectionEvent;
  code: number;
}

/** Result of `connect`: `code` is `ErrorCode.SUCCESS` (0) or why it failed. */
export interface ConnectResult {
  code: number;
  message?: string;
}

type ConnectionEvents = {
  state: [change: ConnectionStateChange];
  event: [event: ServerEvent];
  streamReset: [];
  iceServers: [iceServers: IceServer[]];
};

/** How long the client gathers events before acking them together. */
const ACK_DELAY_MS = 100;

export class ImConnection {
  private current: ConnectionState = 'idle';
  private readonly emitter: SafeEmitter<ConnectionEvents>;
  private token = '';
  private socket: WebSocketLike | undefined;
  private inFlightConnect: Promise<ConnectResult> | undefined;
  private abortAttempt: (() => void) | undefined;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: Heartbeat | undefined;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Deferred frames not written yet, in order (`send`). */
  private outbox: { socket: WebSocketLike; t: ClientFrame['t']; text: string }[] = [];
  private lastDeliveredSeq = 0;
  /** The server's event stream of this device: given back on reconnect so missed events are replayed once. */
  private streamId: string | undefined;
  private readonly pending = new PendingRequests();
  private userId = '';
  private serverTimeOffset = 0;
  private iceServers: IceServer[] = [];
  private ringTimeoutMs = DEFAULT_RING_TIMEOUT_MS;
  private rotation = INITIAL_ROTATION;
  private server: string | undefined;

  constructor(private readonly options: ImConnectionOptions) {
    if (options.urls.length === 0) throw new Error('ImConnection: no server URL');
    this.emitter = new SafeEmitter((event, error) => options.logger.error(`ImConnection: listener of ${event} threw`, error));
  }

  get state(): ConnectionState {
    return this.current;
  }
  get status(): RCConnectionStatus {
    return toConnectionStatus(this.current);
  }
  /** The user id of the last successful connect ('' before). */
  get currentUserId(): string {
    return this.userId;
  }
  get deviceId(): string {
    return this.options.deviceId;
  }
  get currentIceServers(): IceServer[] {
    return this.iceServers;
  }
  get currentRingTimeoutMs(): number {
    return this.ringTimeoutMs;
  }
  /** The WebSocket URL of the server that answered last (undefined before the first `welcome`). */
  get currentServer(): string | undefined {
    return this.server;
  }
  /** Server clock estimate (ms since epoch), from `welcome` and every `pong`. */
  serverTime(): number {
    return Date.now() + this.serverTimeOffset;
  }

  /** Every server event, in `seq` order, once per connection. Returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return this.emitter.on('event', listener);
  }
  /** A connection started a new event stream after an earlier one: events of the old one may be lost. */
  onStreamReset(listener: () => void): () => void {
    return this.emitter.on('streamReset', listener);
  }
  /**
   * New ICE servers (fresh TURN credentials): from a reconnect's `welcome`, or pushed by the server
   * (`ice.servers`) before the current ones expire. Returns the unsubscribe function.
   */
  onIceServers(listener: (iceServers: IceServer[]) => void): () => void {
    return this.emitter.on('iceServers', listener);
  }
  /** Every state change. Returns the unsubscribe function. */
  onStateChange(listener: (change: ConnectionStateChange) => void): () => void {
    return this.emitter.on('state', listener);
  }

  /**
   * Authenticate with `token`. Resolves (never rejects) with code 0 on `welcome`, the server's code
   * on `refused`, RC_NET_UNAVAILABLE if the socket cannot open, TIMEOUT without an answer in time.
   */
  async connect(token: string): Promise<ConnectResult> {
    if (this.current === 'connected' && token === this.token) return { code: ErrorCode.SUCCESS };
    if (this.current === 'connecting' && token === this.token && this.inFlightConnect) return this.inFlightConnect;
    if (this.current !== 'idle' && this.current !== 'disconnected') await this.disconnect();
    this.token = token;
    this.reconnectAttempt = 0;
    this.move('connect', ErrorCode.SUCCESS);
    const attempt = this.firstConnect(token);
    this.inFlightConnect = attempt;
    try {
      return await attempt;
    } finally {
      if (this.inFlightConnect === attempt) this.inFlightConnect = undefined;
    }
  }

  /** Close the connection on purpose (no reconnect). Emits a state change with RC_CONN_USER_LOGOUT. */
  async disconnect(): Promise<void> {
    if (this.current === 'idle' || this.current === 'disconnected') return;
    this.abortAttempt?.();
    this.clearReconnectTimer();
    this.releaseSocket(1000, 'client disconnect');
    // The stream id is kept: connecting again soon (same user) resumes it, so nothing sent meanwhile is lost.
    this.move('disconnect', ErrorCode.RC_CONN_USER_LOGOUT);
  }

  /**
   * Send a request; never rejects. Not connected → RC_NET_CHANNEL_INVALID; no answer within
   * `timeoutMs` → TIMEOUT; the socket drops first → RC_NET_CHANNEL_INVALID. `deferred`: written at
   * the end of this synchronous run (`send`).
   */
  request<B extends RequestBody>(body: B, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, deferred = false): Promise<RequestResult<B['t']>> {
    const socket = this.socket;
    if (this.current !== 'connected' || socket === undefined || socket.readyState !== WS_OPEN) {
      return Promise.resolve({ code: ErrorCode.RC_NET_CHANNEL_INVALID, message: 'not connected' });
    }
    const { rid, result } = this.pending.open(timeoutMs, body.t);
    this.send(socket, { ...body, rid } as ClientRequest, deferred);
    // The reply's data is checked against the protocol's reply map: callers get typed data or none.
    return result.then((unchecked) => {
      const { reply, problem } = checkReply(body.t, unchecked);
      if (problem !== undefined) this.options.logger.warn(`dropped the data of a reply: ${problem}`);
      return reply;
    });
  }

  /** One round at most: each server once, starting at the one that answered last; a fatal refusal ends it. */
  private async firstConnect(token: string): Promise<ConnectResult> {
    this.rotateOn('connect');
    for (;;) {
      const outcome = await this.attempt(token);
      if (outcome.kind === 'welcome') return { code: ErrorCode.SUCCESS };
      if (outcome.kind === 'aborted' || this.current !== 'connecting') {
        return { code: ErrorCode.RC_CONN_USER_LOGOUT, message: 'disconnected while connecting' };
      }
      const refused = outcome.kind === 'refused';
      if ((refused && FATAL_CONNECTION_CODES.has(outcome.code)) || this.rotateOn('failed')) {
        this.move(refused ? 'fatal' : 'unreachable', outcome.code);
        if (refused) return { code: outcome.code, message: outcome.message };
        return { code: outcome.code, message: outcome.code === ErrorCode.TIMEOUT ? 'no answer from server' : 'server unreachable' };
      }
    }
  }

  /** Apply a rotation event; true when a backoff wait (or giving up) is due before the next attempt. */
  private rotateOn(event: RotationEvent): boolean {
    const step = rotate(this.rotation, event, this.options.urls.length);
    this.rotation = step.state;
    return step.wait;
  }

  /** Open a socket, say hello, wait for the verdict. On `welcome` the socket is adopted before this resolves. */
  private attempt(token: string): Promise<AttemptOutcome> {
    const { WebSocket, urls, appKey, deviceId, platform, logger } = this.options;
    const url = urls[this.rotation.index] as string;
    logger.debug(`connecting to ${url}`);
    const attempt = startAttempt({
      WebSocket,
      url,
      hello: {
        t: 'hello',
        v: PROTOCOL_VERSION,
        appKey,
        token,
        deviceId,
        platform: platform ?? 'Web',
        ...(this.streamId === undefined ? {} : { resume: { streamId: this.streamId, lastSeq: this.lastDeliveredSeq } }),
      },
      timeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      logger,
      onWelcome: (socket, welcome, helloSentAt) => {
        this.server = url;
        this.rotateOn('welcome');
        this.adopt(socket, welcome, helloSentAt);
      },
    });
    this.abortAttempt = attempt.abort;
    return attempt.outcome.finally(() => {
      if (this.abortAttempt === attempt.abort) this.abortAttempt = undefined;
    });
  }

  private adopt(socket: WebSocketLike, welcome: WelcomeFrame, helloSentAt: number): void {
    this.socket = socket;
    const resumed = welcome.resumed && welcome.streamId === this.streamId;
    const hadStream = this.streamId !== undefined;
    if (!resumed) this.lastDeliveredSeq = 0;
    this.streamId = welcome.streamId;
    // Events of the previous stream that never arrived are gone: tell plugins before new events flow.
    if (hadStream && !resumed) this.emitter.emit('streamReset');
    this.userId = welcome.userId;
    this.setIceServers(welcome.iceServers);
    this.ringTimeoutMs = welcome.ringTimeoutMs;
    this.updateServerTime(welcome.serverTime, helloSentAt);
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.drop(ErrorCode.RC_NET_UNAVAILABLE, `socket closed (${event.code})`);
    };
    const heartbeatMs = welcome.heartbeatMs > 0 ? welcome.heartbeatMs : DEFAULT_HEARTBEAT_MS;
    this.heartbeat = new Heartbeat(
      heartbeatMs,
      () => this.send(socket, { t: 'ping' }),
      () => this.drop(ErrorCode.RC_PING_TIMEOUT, 'heartbeat timeout'),
    );
    this.heartbeat.start();
    this.reconnectAttempt = 0;
    this.move('welcome', ErrorCode.SUCCESS);
  }

  private onFrame(data: unknown): void {
    this.heartbeat?.frameReceived();
    const frame = decodeServerMessage(data, this.options.logger);
    if (frame === undefined) return;
    switch (frame.t) {
      case 'pong':
        this.updateServerTime(frame.serverTime, this.heartbeat?.lastPingAt ?? 0);
        return;
      case 'res':
        this.settleRequest(frame.rid, { code: frame.code, message: frame.message, data: frame.data });
        return;
      case 'error':
        if (frame.rid !== undefined && this.pending.has(frame.rid))
          this.settleRequest(frame.rid, { code: frame.code, message: frame.message });
        else this.options.logger.warn(`server could not handle a frame: ${frame.code} ${frame.message}`);
        return;
      case 'evt':
        this.deliver(frame.seq, frame.evt);
        return;
      case 'ice.servers':
        this.setIceServers(frame.iceServers);
        return;
      case 'bye':
        this.options.logger.warn(`server closes the connection: ${frame.code} ${frame.message}`);
        if (FATAL_CONNECTION_CODES.has(frame.code)) {
          this.releaseSocket(1000, 'bye');
          this.move('fatal', frame.code);
        } else {
          this.drop(frame.code, frame.message);
        }
        return;
      case 'welcome':
      case 'refused':
        this.options.logger.warn(`ignoring unexpected '${frame.t}' frame`);
        return;
    }
  }

  private setIceServers(iceServers: IceServer[]): void {
    this.iceServers = iceServers;
    this.emitter.emit('iceServers', iceServers);
  }

  private deliver(seq: number, event: ServerEvent): void {
    if (seq > this.lastDeliveredSeq) {
      if (seq !== this.lastDeliveredSeq + 1) this.options.logger.warn(`event seq jumped from ${this.lastDeliveredSeq} to ${seq}`);
      this.lastDeliveredSeq = seq;
      this.emitter.emit('event', event);
    }
    this.scheduleAck();
  }

  /**
   * One cumulative ack for the events of `ACK_DELAY_MS` (a call's events come in bursts: invite,
   * member changes, media…): fewer frames for the server to read. Unacked events are only kept longer
   * on the server; a resume after a loss sends them again and `deliver` drops repeats.
   */
  private scheduleAck(): void {
    const socket = this.socket;
    if (this.ackTimer !== undefined || socket === undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      if (this.socket === socket && this.lastDeliveredSeq > 0) this.send(socket, { t: 'ack', seq: this.lastDeliveredSeq });
    }, ACK_DELAY_MS);
  }

  private settleRequest(rid: number, result: UncheckedReply): void {
    if (!this.pending.settle(rid, result)) this.options.logger.debug(`answer to unknown or expired request ${rid}`);
  }

  /** An established connection died: release it, suspend, retry with backoff (next server first). */
  private drop(code: number, reason: string): void {
    if (this.current !== 'connected') return;
    this.options.logger.warn(`connection dropped (${code}): ${reason}`);
    this.releaseSocket(4000, 'dropped');
    this.rotateOn('dropped');
    this.move('dropped', code);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const max = this.options.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS;
    if (this.reconnectAttempt >= max) {
      this.options.logger.error(`giving up after ${max} reconnect attempts`);
      this.move('fatal', ErrorCode.RC_NET_UNAVAILABLE);
      return;
    }
    const delay = reconnectDelayMs(this.reconnectAttempt, this.options.backoff);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.retry();
    }, delay);
  }

  private async retry(): Promise<void> {
    if (this.current !== 'suspended') return;
    const outcome = await this.attempt(this.token);
    if (this.current !== 'suspended' || outcome.kind === 'welcome' || outcome.kind === 'aborted') return;
    // A fatal refusal is about the token or the user: another server would refuse it too.
    if (outcome.kind === 'refused' && FATAL_CONNECTION_CODES.has(outcome.code)) this.move('fatal', outcome.code);
    else if (this.rotateOn('failed')) this.scheduleReconnect();
    else void this.retry();
  }

  /** Stop timers, close the socket, resolve pending requests with RC_NET_CHANNEL_INVALID. */
  private releaseSocket(closeCode: number, reason: string): void {
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.flushOutbox();
    if (socket !== undefined) closeQuietly(socket, closeCode, reason);
    this.pending.settleAll({ code: ErrorCode.RC_NET_CHANNEL_INVALID, message: 'connection lost' });
  }

  private clearReconnectTimer(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private updateServerTime(serverTime: number, sentAt: number): void {
    const now = Date.now();
    const halfRoundTrip = sentAt > 0 && sentAt <= now ? (now - sentAt) / 2 : 0;
    this.serverTimeOffset = Math.round(serverTime + halfRoundTrip - now);
  }

  /**
   * Writes `frame` now, or with `deferred` at the end of the synchronous run that sent it (a
   * microtask), so the work that follows in that run does not wait for the socket write (the callee's
   * `onSession` after its `call.ringing`). Order is kept: a frame written now sends the deferred ones
   * first, and a socket released meanwhile gets them before it closes (`releaseSocket`).
   */
  private send(socket: WebSocketLike, frame: ClientFrame, deferred = false): void {
    if (socket.readyState !== WS_OPEN) return;
    try {
      this.outbox.push({ socket, t: frame.t, text: encodeFrame(frame) });
    } catch (err) {
      this.options.logger.warn(`cannot send '${frame.t}'`, err);
      return;
    }
    if (!deferred) this.flushOutbox();
    else if (this.outbox.length === 1) queueMicrotask(() => this.flushOutbox());
  }

  private flushOutbox(): void {
    const frames = this.outbox;
    this.outbox = [];
    for (const { socket, t, text } of frames) {
      if (socket.readyState !== WS_OPEN) continue;
      try {
        socket.send(text);
      } catch (err) {
        this.options.logger.warn(`cannot send '${t}'`, err);
      }
    }
  }

  private move(event: ConnectionEvent, code: number): void {
    const from = this.current;
    const to = CONNECTION_MACHINE.next(from, event);
    this.current = to;
    this.options.logger.debug(`IM connection ${from} → ${to} (${event}, ${code})`);
    this.emitter.emit('state', { from, to, event, code });
  }
}
