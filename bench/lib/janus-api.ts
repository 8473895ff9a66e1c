/**
 * A minimal Janus WebSocket API client for bench workers: `create` a session (kept alive), `attach`
 * handles, plugin `message`s answered by their `event` (the ack is skipped), and server `trickle`
 * events routed to the handle they are for. Every wait is bounded.
 */
import type { WebSocket } from 'ws';
import { openSocket } from './json-ws.js';

// biome-ignore lint/suspicious/noExplicitAny: Janus replies are loosely typed JSON.
export type JanusReply = any;

export interface JanusTrickle {
  candidate?: string;
  sdpMid?: string;
  completed?: boolean;
}

const REPLY_TIMEOUT_MS = 15_000;

export class JanusApi {
  readonly #socket: WebSocket;
  readonly #apiSecret: string;
  readonly #waiting = new Map<string, { resolve: (m: JanusReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  readonly #trickleHandlers = new Map<number, (c: JanusTrickle) => void>();
  #session = 0;
  #nextTransaction = 0;
  #keepalive: NodeJS.Timeout | undefined;

  private constructor(socket: WebSocket, apiSecret: string) {
    this.#socket = socket;
    this.#apiSecret = apiSecret;
    socket.on('message', (data: Buffer) => this.#onFrame(JSON.parse(data.toString('utf8')) as JanusReply));
  }

  /** Connects and creates a session. */
  static async open(url: string, apiSecret: string): Promise<JanusApi> {
    const api = new JanusApi(await openSocket(url, { protocol: 'janus-protocol' }), apiSecret);
    const created = await api.#send({ janus: 'create' }, (m) => m.janus === 'success' || m.janus === 'error');
    if (created.janus !== 'success') throw new Error(`janus create: ${JSON.stringify(created.error)}`);
    api.#session = created.data.id as number;
    api.#keepalive = setInterval(() => void api.#send({ janus: 'keepalive' }, (m) => m.janus === 'ack').catch(() => undefined), 20_000);
    return api;
  }

  async attach(plugin: string): Promise<number> {
    const reply = await this.#send({ janus: 'attach', plugin }, (m) => m.janus === 'success' || m.janus === 'error');
    if (reply.janus !== 'success') throw new Error(`janus attach: ${JSON.stringify(reply.error)}`);
    return reply.data.id as number;
  }

  /** A plugin request; resolves with the asynchronous `event` (or a synchronous `success`). */
  async message(handle: number, body: Record<string, unknown>, jsep?: { type: string; sdp: string }): Promise<JanusReply> {
    const reply = await this.#send(
      { janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}) },
      (m) => m.janus === 'event' || m.janus === 'success' || m.janus === 'error',
    );
    if (reply.janus === 'error') throw new Error(`janus ${String(body.request)}: ${JSON.stringify(reply.error)}`);
    const data = reply.plugindata?.data;
    if (data?.error) throw new Error(`janus ${String(body.request)}: ${data.error_code} ${data.error}`);
    return reply;
  }

  trickle(handle: number, candidate: JanusTrickle): void {
    void this.#send({ janus: 'trickle', handle_id: handle, candidate }, (m) => m.janus === 'ack').catch(() => undefined);
  }

  onTrickle(handle: number, handler: (c: JanusTrickle) => void): void {
    this.#trickleHandlers.set(handle, handler);
  }

  close(): void {
    clearInterval(this.#keepalive);
    for (const w of this.#waiting.values()) clearTimeout(w.timer);
    this.#socket.terminate();
  }

  #send(request: Record<string, unknown>, done: (m: JanusReply) => boolean): Promise<JanusReply> {
    const transaction = `t${this.#nextTransaction++}`;
    const frame = { ...request, transaction, apisecret: this.#apiSecret, ...(this.#session ? { session_id: this.#session } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transaction);
        reject(new Error(`janus ${String(request.janus)}: no reply within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.#waiting.set(transaction, {
        resolve: (m) => {
          if (!done(m)) return;
          clearTimeout(timer);
          this.#waiting.delete(transaction);
          resolve(m);
        },
        reject,
        timer,
      });
      this.#socket.send(JSON.stringify(frame));
    });
  }

  #onFrame(m: JanusReply): void {
    if (m.janus === 'trickle') {
      this.#trickleHandlers.get(m.sender as number)?.(m.candidate as JanusTrickle);
      return;
    }
    if (typeof m.transaction === 'string' && this.#waiting.has(m.transaction)) this.#waiting.get(m.transaction)?.resolve(m);
    else if (process.env.JANUS_API_TRACE) console.error(`janus event: ${JSON.stringify(m).slice(0, 300)}`);
  }
}
