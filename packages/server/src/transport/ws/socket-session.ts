/**
 * One WebSocket from hello to close.
 *
 *   awaiting_hello ──hello ok──▶ authenticated ──close──▶ closed
 *        │                           │                      ▲
 *        │                           └──abort──▶ closing ───┤ (terminated after CLOSE_GRACE_MS)
 *        └────────── bad hello / timeout / close ───────────┘
 *
 * Bad frames after authentication get an `error` frame (within the error budget) and the socket stays
 * up; a socket whose unsent output passes `maxBufferedBytes` (it does not read) is terminated (4002),
 * one that floods far past its limits is closed (4003): README "Slow readers and floods".
 */
import { randomUUID } from 'node:crypto';
import {
  type ClientFrame,
  type ClientRequest,
  decodeClientFrame,
  ErrorCode,
  encodeFrame,
  type HangupTelemetry,
  type IceServer,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  RCCallErrorCode,
  type ServerFrame,
  WsCloseCode,
} from '@opencall/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { TokenService } from '../../ports/index.js';
import type { CallService, IntentResult } from '../../services/call/call-service.js';
import type { ConnectionRegistry } from '../../services/im/connection-registry.js';
import type { DeviceStream, FrameSink, HandedStream } from '../../services/im/device-stream.js';
import type { ImConnection } from '../../services/im/im-connection.js';
import type { TelemetryIngest } from '../../services/insights/telemetry-ingest.js';
import type { MediaRoomService } from '../../services/room/media-room-service.js';
import type { HelloRefusal } from '../../services/security/security-counters.js';
import type { SecurityEventLog } from '../../services/security/security-event-log.js';
import { isStorageUnavailable } from '../../services/shared/storage-unavailable.js';
import { IceRefreshSchedule } from '../../services/turn/ice-refresh-schedule.js';
import { FrameBudget } from './frame-budget.js';
import type { FrameTally } from './frame-tally.js';
import { dispatchRequest } from './request-dispatch.js';
import type { SessionSweeper, Sweepable } from './session-sweeper.js';
import { SOCKET_SESSION_MACHINE, type SocketSessionEvent, type SocketSessionState } from './socket-session-machine.js';
import { turnOutput } from './turn-output.js';

/** The device id rule, added to the refusal of a hello whose `deviceId` is bad. */
function helloHint(message: string): string {
  return /\bdeviceId\b/.test(message) ? ' (deviceId: 1-64 characters of A-Z a-z 0-9 . _ : -)' : '';
}

export interface SessionDeps {
  tokens: TokenService;
  registry: ConnectionRegistry;
  calls: CallService;
  /** The media rooms (`rtc.*` and `sfu.*` requests). */
  mediaRooms: MediaRoomService;
  /** `call.telemetry` batches (services/insights/telemetry-ingest.ts). */
  telemetry?: TelemetryIngest;
  /**
   * Cluster mode: a resume of a stream another node holds — that node hands it over (undefined: a
   * fresh stream).
   */
  claimStream?: (
    identity: { appKey: string; userId: string; deviceId: string },
    resume: { streamId: string; lastSeq: number },
  ) => Promise<HandedStream | undefined>;
  /** Cluster mode: requests about calls other nodes own go to them (default: this node's call service). */
  route?: (from: ImConnection, request: ClientRequest) => IntentResult | Promise<IntentResult>;
  logger: Logger;
  heartbeatMs: number;
  ringTimeoutMs: number;
  /** Sustained frames per second per connection (burst: twice that); acks and hang-ups are never refused. */
  framesPerSecond: number;
  /** Error replies per second per connection to rejected frames (burst: twice that); past it they are dropped. */
  errorRepliesPerSecond: number;
  /** Unsent output (bytes) past which a socket is terminated as a slow reader (4002). */
  maxBufferedBytes: number;
  /** Devices one user may have connected at once; one more is refused with OC_TOO_MANY_DEVICES. */
  maxDevicesPerUser: number;
  /** ICE servers (TURN credentials) for a newly connected user. */
  iceServersFor: (userId: string) => IceServer[];
  /** A connected device gets fresh `iceServers` (an `ice.servers` frame) this long after the last ones; unset = never. */
  iceRefreshMs?: number | undefined;
  /** Refused hellos are counted and logged here (rate-limited). */
  security?: SecurityEventLog;
  /** Frames in (by type) and out, for `/metrics`. */
  frames?: FrameTally;
}

/** The reason a refused hello is logged and counted under. */
function helloRefusal(code: number): HelloRefusal {
  switch (code) {
    case ErrorCode.RC_CONN_TOKEN_INCORRECT:
      return 'token_incorrect';
    case ErrorCode.RC_CONN_TOKEN_EXPIRED:
      return 'token_expired';
    case ErrorCode.RC_CONN_ID_REJECT:
      return 'unknown_app';
    case ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED:
      return 'app_disabled';
    case ErrorCode.RC_CONN_USER_BLOCKED:
      return 'user_blocked';
    default:
      return 'other';
  }
}

const HELLO_TIMEOUT_MS = 10_000;
/** How long an aborted socket may take over its close handshake before it is terminated. */
const CLOSE_GRACE_MS = 2000;
/** Frames never refused over the limit (see FrameBudget): a lost hang-up leaves a call up, a refused ack means resends. */
const NEVER_REFUSED: ReadonlySet<ClientFrame['t']> = new Set(['ack', 'call.hangup']);

/** One socket; once authenticated it carries its device's `DeviceStream` (which services talk to). */
export class SocketSession implements FrameSink, Sweepable {
  readonly id = randomUUID();
  private stream: DeviceStream | undefined;
  private state: SocketSessionState = 'awaiting_hello';
  private readonly budget: FrameBudget;
  private lastSeen = Date.now();
  private readonly helloDeadline = this.lastSeen + HELLO_TIMEOUT_MS;
  private closeDeadline = 0;
  private readonly iceRefresh: IceRefreshSchedule;

  /**
   * @param sweeper the endpoint's shared timer, which checks the hello, heartbeat, close and ICE refresh deadlines
   * @param onAuthenticated called once, when the hello succeeds
   * @param remoteAddress the peer's address, for the log of refused logins
   */
  constructor(
    private readonly socket: WebSocket,
    private readonly deps: SessionDeps,
    private readonly sweeper: SessionSweeper,
    private readonly onAuthenticated?: () => void,
    private readonly remoteAddress?: string,
  ) {
    this.budget = new FrameBudget({ framesPerSecond: deps.framesPerSecond, errorRepliesPerSecond: deps.errorRepliesPerSecond });
    this.iceRefresh = new IceRefreshSchedule(deps.iceRefreshMs);
    sweeper.add(this);
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => this.onClose());
    socket.on('error', (error) => deps.logger.debug({ err: error }, 'socket error'));
  }

  sweep(now: number): void {
    if (this.state === 'awaiting_hello' && now > this.helloDeadline) this.refuse(ErrorCode.TIMEOUT, 'no hello in time');
    else if (this.state === 'authenticated' && now - this.lastSeen > this.deps.heartbeatMs * 3) this.socket.terminate();
    else if (this.state === 'closing' && now > this.closeDeadline) this.socket.terminate();
    else if (this.state === 'authenticated' && this.stream && this.iceRefresh.due(now)) {
      // Before the credentials of `welcome` (or of the last refresh) expire. A banned or revoked
      // user's connection is closed, so it gets none and its relay access ends with them.
      this.send({ t: 'ice.servers', iceServers: this.deps.iceServersFor(this.stream.userId) });
      this.iceRefresh.sent(now);
    }
  }

  private move(event: SocketSessionEvent): void {
    this.state = SOCKET_SESSION_MACHINE.next(this.state, event);
  }

  /** Every frame out goes through here (one syscall per socket per callback, turn-output.ts): the output bound is checked after each one. */
  private write(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    turnOutput.hold(this.socket);
    this.socket.send(text);
    this.deps.frames?.sent();
    if (this.socket.bufferedAmount > this.deps.maxBufferedBytes)
      this.abort(WsCloseCode.SLOW_READER, 'slow reader: unsent output over the limit');
  }

  private send(frame: ServerFrame): void {
    this.write(encodeFrame(frame));
  }

  sendText(text: string): void {
    if (this.state === 'authenticated') this.write(text);
  }

  close(code: number, message: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.send({ t: 'bye', code, message });
    this.socket.close(WsCloseCode.BYE, message.slice(0, 100));
  }

  private refuse(code: number, message: string): void {
    this.send({ t: 'refused', code, message });
    this.socket.close(WsCloseCode.REFUSED, message.slice(0, 100));
  }

  /**
   * Cuts a misbehaving socket off; its stream is detached when the socket closes, as after any loss.
   * With output still queued (the peer does not read) a close frame would wait behind it: terminate.
   */
  private abort(code: WsCloseCode, reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.move('abort');
    // What this callback wrote is held back (turn-output.ts): hand it to the kernel before judging the backlog.
    turnOutput.flush(this.socket);
    const bufferedBytes = this.socket.bufferedAmount;
    this.deps.logger.warn({ connectionId: this.id, userId: this.stream?.userId, closeCode: code, bufferedBytes }, reason);
    if (code === WsCloseCode.SLOW_READER || bufferedBytes > 0) {
      this.socket.terminate();
      return;
    }
    this.closeDeadline = Date.now() + CLOSE_GRACE_MS;
    this.socket.close(code, reason.slice(0, 100));
    // Read nothing more from it: its frames would be parsed only to be ignored.
    this.socket.pause();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    if (this.state === 'closing' || this.state === 'closed') return;
    if (isBinary || data.length > MAX_FRAME_BYTES) {
      const code = isBinary ? ErrorCode.OC_MALFORMED_FRAME : ErrorCode.OC_FRAME_TOO_LARGE;
      this.badFrame(code, isBinary ? 'binary frames are not accepted' : `frame larger than ${MAX_FRAME_BYTES} bytes`);
      return;
    }
    const decoded = decodeClientFrame(data.toString('utf8'));
    if (!decoded.ok) {
      this.badFrame(decoded.code, decoded.message, decoded.rid, decoded.type);
      return;
    }
    const frame = decoded.value;
    this.deps.frames?.received(frame.t);
    const admission = this.budget.admit(NEVER_REFUSED.has(frame.t) ? 'never_refused' : 'limited');
    if (admission === 'close') {
      this.abort(WsCloseCode.FLOODING, 'flooding: far past the frame rate');
      return;
    }
    if (admission === 'reject') {
      this.badFrame(ErrorCode.OC_RATE_LIMITED, 'too many frames', 'rid' in frame ? frame.rid : undefined);
      return;
    }
    try {
      this.handle(frame)?.catch((error: unknown) => this.failed(frame, error));
    } catch (error) {
      this.failed(frame, error);
    }
  }

  private failed(frame: ClientFrame, error: unknown): void {
    const rid = 'rid' in frame ? frame.rid : undefined;
    if (rid !== undefined && isStorageUnavailable(error)) {
      // The database is away: a clear answer (nothing was stored, nothing acknowledged), not a crash.
      this.deps.logger.warn({ err: error, t: frame.t }, 'request refused: storage unavailable');
      this.send({ t: 'res', rid, code: RCCallErrorCode.STORAGE_UNAVAILABLE, message: 'storage unavailable; try again later' });
      return;
    }
    this.deps.logger.error({ err: error, connectionId: this.id }, 'frame handling failed');
    this.send({ t: 'error', code: ErrorCode.OC_INTERNAL, message: 'internal error', ...(rid === undefined ? {} : { rid }) });
  }

  /** A rejected frame: before hello it ends the socket; after, it is answered while the error budget lasts. */
  private badFrame(code: number, message: string, rid?: number, type?: string): void {
    if (this.state === 'awaiting_hello') {
      // A hello with a bad field (e.g. an unsafe deviceId) is refused with the field named (36004).
      if (type === 'hello' && code === ErrorCode.OC_INVALID_FIELD) this.refuse(code, `invalid hello: ${message}${helloHint(message)}`);
      else this.refuse(ErrorCode.OC_NOT_AUTHENTICATED, `first frame must be a valid hello (${message})`);
      return;
    }
    switch (this.budget.rejected()) {
      case 'reply':
        this.send({ t: 'error', code, message, ...(rid === undefined ? {} : { rid }) });
        return;
      case 'drop':
        return;
      case 'close':
        this.abort(WsCloseCode.FLOODING, 'flooding: rejected frames far past the error budget');
        return;
    }
  }

  /** Handles a frame; returns a promise only when the answer waits for I/O (hello, some requests). */
  private handle(frame: ClientFrame): Promise<void> | undefined {
    if (this.state === 'awaiting_hello') {
      if (frame.t === 'hello') return this.authenticate(frame);
      this.refuse(ErrorCode.OC_NOT_AUTHENTICATED, 'first frame must be hello');
      return undefined;
    }
    switch (frame.t) {
      case 'hello':
        this.send({ t: 'error', code: ErrorCode.OC_INVALID_FIELD, message: 'already authenticated' });
        return undefined;
      case 'ping':
        // The text encodeFrame({ t: 'pong', serverTime }) gives, without building the object.
        this.write(`{"t":"pong","serverTime":${Date.now()}}`);
        return undefined;
      case 'ack':
        this.stream?.ack(frame.seq);
        return undefined;
      case 'call.hangup':
        if (frame.telemetry) return this.hangUpWithTelemetry(frame, frame.telemetry);
        return this.request(frame);
      default:
        return this.request(frame);
    }
  }

  private request(frame: ClientRequest): Promise<void> | undefined {
    if (!this.stream) return undefined;
    const result = this.deps.route ? this.deps.route(this.stream, frame) : dispatchRequest(this.deps, this.stream, frame);
    if (!(result instanceof Promise)) {
      this.answer(frame.rid, result);
      return undefined;
    }
    return result.then((settled) => this.answer(frame.rid, settled));
  }

  /**
   * A hang-up carrying the device's last telemetry batch: the hang-up goes first (to the call's owner,
   * without the batch) and is answered; then the batch is taken here like a `call.telemetry` with
   * `last` — any node takes batches. Its outcome has no answer of its own (logged when refused).
   */
  private async hangUpWithTelemetry(frame: Extract<ClientRequest, { t: 'call.hangup' }>, batch: HangupTelemetry): Promise<void> {
    const { telemetry: _batch, ...hangup } = frame;
    await this.request(hangup);
    const stream = this.stream;
    if (!stream || !this.deps.telemetry) return;
    const stored = await this.deps.telemetry.ingest(stream, { callId: frame.callId, ...batch, last: true });
    if (stored.code !== RCCallErrorCode.SUCCESS)
      this.deps.logger.debug({ callId: frame.callId, code: stored.code }, 'telemetry carried by a hang-up not stored');
  }

  private answer(rid: number, result: IntentResult): void {
    this.send({
      t: 'res',
      rid,
      code: result.code,
      ...(result.message ? { message: result.message } : {}),
      ...(result.data === undefined ? {} : { data: result.data }),
    });
  }

  private async authenticate(hello: Extract<ClientFrame, { t: 'hello' }>): Promise<void> {
    if (hello.v !== PROTOCOL_VERSION)
      return this.refuse(ErrorCode.RC_CONN_PROTO_VERSION_ERROR, `protocol version ${PROTOCOL_VERSION} required`);
    const check = await this.deps.tokens.verify(hello.token, hello.appKey);
    if (this.state !== 'awaiting_hello') return;
    if (!check.ok) {
      this.deps.security?.record('ws_hello_refused', helloRefusal(check.code), { appKey: hello.appKey, remoteAddress: this.remoteAddress });
      return this.refuse(check.code, check.message);
    }
    if (this.deps.registry.attachedDeviceCount(check.appKey, check.userId, hello.deviceId) >= this.deps.maxDevicesPerUser) {
      return this.refuse(ErrorCode.OC_TOO_MANY_DEVICES, `at most ${this.deps.maxDevicesPerUser} devices per user`);
    }
    this.move('hello_ok');
    this.onAuthenticated?.();
    const identity = { appKey: check.appKey, userId: check.userId, deviceId: hello.deviceId, tokenIssuedAt: check.issuedAt };
    const resume = hello.resume;
    const handed =
      resume &&
      this.deps.claimStream &&
      !this.deps.registry.holdsStream(identity.appKey, identity.userId, identity.deviceId, resume.streamId)
        ? await this.deps.claimStream(identity, resume)
        : undefined;
    if ((this.state as SocketSessionState) !== 'authenticated') return; // closed while the stream was being handed over
    const attached = this.deps.registry.attach(
      identity,
      this,
      resume,
      (stream, resumed) =>
        this.send({
          t: 'welcome',
          v: PROTOCOL_VERSION,
          userId: identity.userId,
          connectionId: this.id,
          streamId: stream.id,
          resumed,
          serverTime: Date.now(),
          heartbeatMs: this.deps.heartbeatMs,
          ringTimeoutMs: this.deps.ringTimeoutMs,
          iceServers: this.deps.iceServersFor(identity.userId),
        }),
      handed,
    );
    this.iceRefresh.sent(Date.now());
    this.stream = attached.stream;
    this.deps.logger.debug(
      { appKey: identity.appKey, userId: identity.userId, deviceId: identity.deviceId, connectionId: this.id, resumed: attached.resumed },
      'device connected',
    );
  }

  private onClose(): void {
    this.sweeper.delete(this);
    if (this.state !== 'closed') this.move('close');
    if (this.stream) {
      this.deps.registry.detach(this.stream, this);
      this.deps.logger.debug({ userId: this.stream.userId, connectionId: this.id }, 'device disconnected');
    }
  }
}
