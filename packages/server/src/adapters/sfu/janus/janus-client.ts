/**
 * A Janus WebSocket API client: raw JSON over `ws` (subprotocol `janus-protocol`), one session per
 * connection, transactions, keepalive. Replies are matched by `transaction`: `message` requests are
 * acked first and answered later by an `event` (or `success`) with the same transaction; everything
 * else that names a handle (`sender`) is a handle event. With an API secret, every request carries
 * it as `apisecret` (Janus refuses requests without it: error 403).
 *
 * A session outlives its connection when Janus has `reclaim_session_timeout` set: `claim` opens a new
 * connection onto an existing session (its handles, PeerConnections and rooms untouched), and
 * `release()` closes a connection without destroying its session (another process claims it).
 */
import { randomBytes } from 'node:crypto';
import { type ListenerErrorHandler, SafeEmitter } from '@opencall/protocol';
import WebSocket from 'ws';

/** A message from Janus (loosely typed: its shape depends on the request and plugin). */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: string; sdp: string };
  candidate?: { sdpMid?: string; sdpMLineIndex?: number; candidate?: string; completed?: boolean };
  [key: string]: unknown;
}

/** Janus answered with an error (core `error` or a plugin `error_code`). */
export class JanusError extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`Janus error ${code}: ${reason}`);
    this.name = 'JanusError';
  }
}

export type JanusClientEvents = {
  /** An asynchronous event for one handle (`trickle`, `webrtcup`, `hangup`, plugin events…). */
  handleEvent: [handleId: number, message: JanusMessage];
  /** The connection closed (Janus died or `close()`); every pending request was rejected. */
  closed: [];
};

export interface JanusClientOptions {
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Keepalive interval (default 20 s; Janus drops sessions idle for `session_timeout`). */
  keepaliveMs?: number;
  /** Janus `api_secret`, sent with every request. */
  apiSecret?: string | undefined;
  /** Where listener errors go (default: the console). */
  onListenerError?: ListenerErrorHandler;
}

interface Pending {
  /** `keepalive` and `trickle` are only ever acked; other requests wait past the ack. */
  ackAnswers: boolean;
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class JanusClient extends SafeEmitter<JanusClientEvents> {
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;
  readonly #secret: { apisecret?: string };
  #keepalive: NodeJS.Timeout | undefined;
  #sessionId = 0;
  #closed = false;

  private constructor(ws: WebSocket, options: JanusClientOptions) {
    super(options.onListenerError);
    this.#ws = ws;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#secret = options.apiSecret === undefined ? {} : { apisecret: options.apiSecret };
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('close', () => this.#onClose());
    ws.on('error', () => this.#onClose());
  }

  /** Opens the WebSocket and creates a session. Rejects if either fails in time. */
  static async connect(url: string, options: JanusClientOptions = {}): Promise<JanusClient> {
    const client = await JanusClient.#open(url, options);
    try {
      const created = await client.#send({ janus: 'create' });
      client.#sessionId = created.data?.id ?? 0;
    } catch (error) {
      client.close();
      throw error;
    }
    client.#keepAlive(options);
    return client;
  }

  /**
   * Opens the WebSocket and claims the existing session `sessionId` (left by a connection that closed,
   * within Janus's `reclaim_session_timeout`): its events come here from now on. Rejects if Janus no
   * longer has it (error 458) or either step fails in time; the new connection is then closed.
   */
  static async claim(url: string, sessionId: number, options: JanusClientOptions = {}): Promise<JanusClient> {
    const client = await JanusClient.#open(url, options);
    try {
      await client.#send({ janus: 'claim', session_id: sessionId });
      client.#sessionId = sessionId;
    } catch (error) {
      client.release();
      throw error;
    }
    client.#keepAlive(options);
    return client;
  }

  static async #open(url: string, options: JanusClientOptions): Promise<JanusClient> {
    const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: options.timeoutMs ?? 10_000 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) => reject(error));
    });
    return new JanusClient(ws, options);
  }

  #keepAlive(options: JanusClientOptions): void {
    const keepaliveMs = Math.min(options.keepaliveMs ?? 20_000, 25_000);
    this.#keepalive = setInterval(() => {
      this.#send({ janus: 'keepalive', session_id: this.#sessionId }, true).catch(() => {});
    }, keepaliveMs);
    this.#keepalive.unref();
  }

  get sessionId(): number {
    return this.#sessionId;
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** `info` round trip: the health check. */
  async info(): Promise<void> {
    await this.#send({ janus: 'info' });
  }

  /** Attaches to a plugin; resolves with the handle id. */
  async attach(plugin: string): Promise<number> {
    const reply = await this.#send({ janus: 'attach', plugin, session_id: this.#sessionId });
    return reply.data?.id ?? 0;
  }

  async detach(handleId: number): Promise<void> {
    await this.#send({ janus: 'detach', session_id: this.#sessionId, handle_id: handleId });
  }

  /**
   * Sends a plugin message; resolves with the reply carrying the plugin's answer (`success` for
   * synchronous requests, the `event` for asynchronous ones). A plugin `error_code` rejects.
   */
  async message(handleId: number, body: Record<string, unknown>, jsep?: { type: string; sdp: string }): Promise<JanusMessage> {
    const reply = await this.#send({
      janus: 'message',
      session_id: this.#sessionId,
      handle_id: handleId,
      body,
      ...(jsep ? { jsep } : {}),
    });
    const data = reply.plugindata?.data;
    if (data && typeof data.error_code === 'number') throw new JanusError(data.error_code, String(data.error ?? 'plugin error'));
    return reply;
  }

  /** Forwards a candidate; `null` tells Janus gathering completed. */
  async trickle(
    handleId: number,
    candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null,
  ): Promise<void> {
    await this.#send(
      {
        janus: 'trickle',
        session_id: this.#sessionId,
        handle_id: handleId,
        candidate: candidate ?? { completed: true },
      },
      true,
    );
  }

  /** Destroys the session (best effort) and closes the socket. */
  close(): void {
    if (this.#closed) return;
    if (this.#sessionId && this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send(JSON.stringify({ janus: 'destroy', session_id: this.#sessionId, transaction: transactionId(), ...this.#secret }));
    }
    this.release();
  }

  /** Closes the socket and leaves the session to Janus: kept `reclaim_session_timeout` for a `claim`, else destroyed. */
  release(): void {
    if (this.#closed) return;
    this.#ws.close();
    this.#onClose();
  }

  #send(request: Record<string, unknown>, ackAnswers = false): Promise<JanusMessage> {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('Janus connection closed'));
    const transaction = transactionId();
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new Error(`Janus request ${String(request.janus)} timed out`));
      }, this.#timeoutMs);
      this.#pending.set(transaction, { ackAnswers, resolve, reject, timer });
      this.#ws.send(JSON.stringify({ ...request, transaction, ...this.#secret }));
    });
  }

  #onMessage(text: string): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(text) as JanusMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.janus !== 'string') return;
    const pending = message.transaction ? this.#pending.get(message.transaction) : undefined;
    if (pending && (message.janus !== 'ack' || pending.ackAnswers)) {
      this.#pending.delete(message.transaction!);
      clearTimeout(pending.timer);
      if (message.janus === 'error') pending.reject(new JanusError(message.error?.code ?? 0, message.error?.reason ?? 'error'));
      else pending.resolve(message);
      return;
    }
    if (pending) return; // the ack of a message request: its answer comes later
    if (typeof message.sender === 'number') this.emit('handleEvent', message.sender, message);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('Janus connection closed'));
    }
    this.#pending.clear();
    this.emit('closed');
  }
}

function transactionId(): string {
  return randomBytes(9).toString('base64url');
}
