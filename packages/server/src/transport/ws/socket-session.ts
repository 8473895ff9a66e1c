/**
 * One WebSocket from hello to close.
 *
 *   awaiting_hello ──hello ok──▶ authenticated ──close──▶ closed
 *        └────────── bad hello / timeout / close ─────────▶ closed
 *
 * Bad frames after authentication get an `error` frame and the socket stays up.
 */
import { randomUUID } from 'node:crypto';
import {
  type ClientFrame,
  decodeClientFrame,
  ErrorCode,
  encodeFrame,
  type IceServer,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type ServerFrame,
} from '@opencall/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { TokenService } from '../../ports.js';
import type { CallService } from '../../services/call/call-service.js';
import type { ConnectionRegistry } from '../../services/im/connection-registry.js';
import type { DeviceStream, FrameSink } from '../../services/im/device-stream.js';
import { nextState, type TransitionTable } from '../../services/shared/transition-table.js';
import { RateLimiter } from './rate-limiter.js';
import { dispatchRequest } from './request-dispatch.js';

export interface SessionDeps {
  tokens: TokenService;
  registry: ConnectionRegistry;
  calls: CallService;
  logger: Logger;
  heartbeatMs: number;
  ringTimeoutMs: number;
  /** Sustained frames per second per connection (burst: twice that); pings, acks and hang-ups are exempt. */
  framesPerSecond: number;
  /** Devices one user may have connected at once; one more is refused with OC_TOO_MANY_DEVICES. */
  maxDevicesPerUser: number;
  /** ICE servers (TURN credentials) for a newly connected user. */
  iceServersFor: (userId: string) => IceServer[];
}

type SessionState = 'awaiting_hello' | 'authenticated' | 'closed';
type SessionEvent = 'hello_ok' | 'close';
const SESSION_TRANSITIONS: TransitionTable<SessionState, SessionEvent> = {
  awaiting_hello: { hello_ok: 'authenticated', close: 'closed' },
  authenticated: { close: 'closed' },
  closed: {},
};

const HELLO_TIMEOUT_MS = 10_000;

/** One socket; once authenticated it carries its device's `DeviceStream` (which services talk to). */
export class SocketSession implements FrameSink {
  readonly id = randomUUID();
  private stream: DeviceStream | undefined;
  private state: SessionState = 'awaiting_hello';
  private readonly limiter: RateLimiter;
  private lastSeen = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.limiter = new RateLimiter(deps.framesPerSecond, deps.framesPerSecond * 2);
    const helloDeadline = Date.now() + HELLO_TIMEOUT_MS;
    this.timer = setInterval(() => {
      const now = Date.now();
      if (this.state === 'awaiting_hello' && now > helloDeadline) this.refuse(ErrorCode.TIMEOUT, 'no hello in time');
      else if (this.state === 'authenticated' && now - this.lastSeen > deps.heartbeatMs * 3) this.socket.terminate();
    }, 1000);
    this.timer.unref();
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => this.onClose());
    socket.on('error', (error) => deps.logger.debug({ err: error }, 'socket error'));
  }

  private move(event: SessionEvent): void {
    this.state = nextState('socket-session', SESSION_TRANSITIONS, this.state, event);
  }

  private send(frame: ServerFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(encodeFrame(frame));
  }

  sendText(text: string): void {
    if (this.state === 'authenticated' && this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  close(code: number, message: string): void {
    if (this.state === 'closed') return;
    this.send({ t: 'bye', code, message });
    this.socket.close(4000, message.slice(0, 100));
  }

  private refuse(code: number, message: string): void {
    this.send({ t: 'refused', code, message });
    this.socket.close(4001, message.slice(0, 100));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    if (this.state === 'closed') return;
    if (isBinary || data.length > MAX_FRAME_BYTES) {
      const code = isBinary ? ErrorCode.OC_MALFORMED_FRAME : ErrorCode.OC_FRAME_TOO_LARGE;
      this.badFrame(code, isBinary ? 'binary frames are not accepted' : `frame larger than ${MAX_FRAME_BYTES} bytes`);
      return;
    }
    const decoded = decodeClientFrame(data.toString('utf8'));
    if (!decoded.ok) {
      this.badFrame(decoded.code, decoded.message, decoded.rid);
      return;
    }
    // Heartbeats, acks and hang-ups are never limited: dropping them would leave calls hanging.
    const exempt = decoded.value.t === 'ping' || decoded.value.t === 'ack' || decoded.value.t === 'call.hangup';
    if (!exempt && !this.limiter.take()) {
      const rid = 'rid' in decoded.value ? decoded.value.rid : undefined;
      this.send({ t: 'error', code: ErrorCode.OC_RATE_LIMITED, message: 'too many frames', ...(rid === undefined ? {} : { rid }) });
      return;
    }
    this.handle(decoded.value).catch((error: unknown) => {
      this.deps.logger.error({ err: error, connectionId: this.id }, 'frame handling failed');
      const rid = 'rid' in decoded.value ? decoded.value.rid : undefined;
      this.send({ t: 'error', code: ErrorCode.OC_INTERNAL, message: 'internal error', ...(rid === undefined ? {} : { rid }) });
    });
  }

  private badFrame(code: number, message: string, rid?: number): void {
    if (this.state === 'awaiting_hello') {
      this.refuse(ErrorCode.OC_NOT_AUTHENTICATED, `first frame must be a valid hello (${message})`);
      return;
    }
    this.send({ t: 'error', code, message, ...(rid === undefined ? {} : { rid }) });
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.state === 'awaiting_hello') {
      if (frame.t !== 'hello') return this.refuse(ErrorCode.OC_NOT_AUTHENTICATED, 'first frame must be hello');
      return this.authenticate(frame);
    }
    switch (frame.t) {
      case 'hello':
        return this.send({ t: 'error', code: ErrorCode.OC_INVALID_FIELD, message: 'already authenticated' });
      case 'ping':
        return this.send({ t: 'pong', serverTime: Date.now() });
      case 'ack':
        this.stream?.ack(frame.seq);
        return;
      default: {
        if (!this.stream) return;
        const result = await dispatchRequest(this.deps.calls, this.stream, frame);
        this.send({
          t: 'res',
          rid: frame.rid,
          code: result.code,
          ...(result.message ? { message: result.message } : {}),
          ...(result.data === undefined ? {} : { data: result.data }),
        });
      }
    }
  }

  private async authenticate(hello: Extract<ClientFrame, { t: 'hello' }>): Promise<void> {
    if (hello.v !== PROTOCOL_VERSION)
      return this.refuse(ErrorCode.RC_CONN_PROTO_VERSION_ERROR, `protocol version ${PROTOCOL_VERSION} required`);
    const check = await this.deps.tokens.verify(hello.token, hello.appKey);
    if (this.state !== 'awaiting_hello') return;
    if (!check.ok) return this.refuse(check.code, check.message);
    if (this.deps.registry.attachedDeviceCount(check.appKey, check.userId, hello.deviceId) >= this.deps.maxDevicesPerUser) {
      return this.refuse(ErrorCode.OC_TOO_MANY_DEVICES, `at most ${this.deps.maxDevicesPerUser} devices per user`);
    }
    this.move('hello_ok');
    const identity = { appKey: check.appKey, userId: check.userId, deviceId: hello.deviceId, tokenIssuedAt: check.issuedAt };
    const attached = this.deps.registry.attach(identity, this, hello.resume, (stream, resumed) =>
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
    );
    this.stream = attached.stream;
    this.deps.logger.info(
      { appKey: identity.appKey, userId: identity.userId, deviceId: identity.deviceId, connectionId: this.id, resumed: attached.resumed },
      'device connected',
    );
  }

  private onClose(): void {
    clearInterval(this.timer);
    if (this.state !== 'closed') this.move('close');
    if (this.stream) {
      this.deps.registry.detach(this.stream, this);
      this.deps.logger.info({ userId: this.stream.userId, connectionId: this.id }, 'device disconnected');
    }
  }
}
