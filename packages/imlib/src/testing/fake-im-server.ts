/**
 * A small in-process IM server for tests (Node only, never reachable from the browser entry):
 * speaks the wire protocol on 127.0.0.1 with a random port, and lets a test script every answer.
 */
import {
  type ClientRequest,
  decodeClientFrame,
  encodeFrame,
  type HelloFrame,
  IM_WEBSOCKET_PATH,
  PROTOCOL_VERSION,
  type ServerEvent,
  type ServerFrame,
} from '@opencall/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

export type AuthDecision = { userId: string } | { refuse: number; message?: string } | 'silent';

export interface FakeImServerOptions {
  /** Announced in `welcome`. Default 15 000. */
  heartbeatMs?: number;
  /** Default: token `token-<userId>` is accepted, anything else refused with 31004. 'silent': never answer. */
  authenticate?(hello: HelloFrame, connectionIndex: number): AuthDecision;
  /** Answer to a request; `undefined` sends nothing. Default: `{ code: 10000 }`. */
  onRequest?(request: ClientRequest, connection: FakeImConnection): { code: number; message?: string; data?: unknown } | undefined;
}

/** The server side of one client socket. */
export class FakeImConnection {
  hello: HelloFrame | undefined;
  userId = '';
  /** `seq` of every `ack` received, in order. */
  readonly acks: number[] = [];
  readonly requests: ClientRequest[] = [];
  pings = 0;
  /** Set false to stop answering `ping` (simulates a dead server). */
  answerPings = true;
  closed = false;
  private nextSeq = 0;

  constructor(readonly socket: WebSocket) {
    socket.on('close', () => {
      this.closed = true;
    });
  }

  send(frame: ServerFrame): void {
    this.socket.send(encodeFrame(frame));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Send an event with the next `seq`; returns that seq. */
  sendEvent(evt: ServerEvent): number {
    this.nextSeq += 1;
    this.send({ t: 'evt', seq: this.nextSeq, evt });
    return this.nextSeq;
  }

  bye(code: number, message = 'bye'): void {
    this.send({ t: 'bye', code, message });
    this.socket.close(1000, 'bye');
  }

  /** Kill the TCP connection without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}

export class FakeImServer {
  readonly connections: FakeImConnection[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly port: number,
    private readonly options: FakeImServerOptions,
  ) {
    wss.on('connection', (socket) => this.accept(socket));
  }

  /** Start on 127.0.0.1 with a free port. */
  static start(options: FakeImServerOptions = {}): Promise<FakeImServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: IM_WEBSOCKET_PATH });
      wss.once('error', reject);
      wss.once('listening', () => {
        const address = wss.address();
        if (address === null || typeof address === 'string') {
          reject(new Error('unexpected pipe address'));
          return;
        }
        resolve(new FakeImServer(wss, address.port, options));
      });
    });
  }

  /** The http origin to pass to `init({ navigators: [origin] })`. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${IM_WEBSOCKET_PATH}`;
  }

  /** Authenticated connections (a `welcome` was sent). */
  get welcomed(): FakeImConnection[] {
    return this.connections.filter((c) => c.userId !== '');
  }

  stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const connection = new FakeImConnection(socket);
    const index = this.connections.length;
    this.connections.push(connection);
    socket.on('message', (data) => {
      const decoded = decodeClientFrame(String(data));
      if (!decoded.ok) {
        connection.send({
          t: 'error',
          code: decoded.code,
          message: decoded.message,
          ...(decoded.rid === undefined ? {} : { rid: decoded.rid }),
        });
        return;
      }
      const frame = decoded.value;
      switch (frame.t) {
        case 'hello':
          this.onHello(connection, frame, index);
          return;
        case 'ping':
          connection.pings += 1;
          if (connection.answerPings) connection.send({ t: 'pong', serverTime: Date.now() });
          return;
        case 'ack':
          connection.acks.push(frame.seq);
          return;
        default: {
          connection.requests.push(frame);
          const answer = this.options.onRequest ? this.options.onRequest(frame, connection) : { code: 10000 };
          if (answer !== undefined) connection.send({ t: 'res', rid: frame.rid, ...answer });
        }
      }
    });
  }

  private onHello(connection: FakeImConnection, hello: HelloFrame, index: number): void {
    connection.hello = hello;
    const decision = this.options.authenticate ? this.options.authenticate(hello, index) : defaultAuthenticate(hello);
    if (decision === 'silent') return;
    if ('refuse' in decision) {
      connection.send({ t: 'refused', code: decision.refuse, message: decision.message ?? 'refused' });
      connection.socket.close(1000, 'refused');
      return;
    }
    connection.userId = decision.userId;
    connection.send({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      userId: decision.userId,
      connectionId: `c${index}`,
      streamId: `s${index}`,
      resumed: false,
      serverTime: Date.now(),
      heartbeatMs: this.options.heartbeatMs ?? 15_000,
      ringTimeoutMs: 60_000,
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    });
  }
}

function defaultAuthenticate(hello: HelloFrame): AuthDecision {
  return hello.token.startsWith('token-') ? { userId: hello.token.slice('token-'.length) } : { refuse: 31004, message: 'token incorrect' };
}

/** Poll `predicate` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
