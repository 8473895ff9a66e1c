/**
 * WebSocket fuzzing against the real server: an authenticated raw socket sends fuzzed frames, paced
 * under the server's per-connection rate limit, and checks that each one gets exactly the answer
 * the protocol promises (computed from the same decoder the server uses):
 * - undecodable → `error` with the decoder's code (and its `rid` when it had one);
 * - `ping` → `pong`; `ack` → nothing; a second `hello` → `error` 36004;
 * - a request → `res` or `error` carrying its `rid`, never OC_INTERNAL.
 * Request ids are rewritten to be unique per socket so answers can be matched.
 */
import { CLIENT_FRAME_TYPES, decodeClientFrame, ErrorCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, RCCallErrorCode } from '@opencall/protocol';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { checkAsyncProperty } from './check-property.js';
import { allClientSamples } from './frame-samples.js';
import { frameTextArb } from './mutations.js';

/** Stay well under the server's 100 frames/s (burst 200) per connection. */
const FRAMES_PER_SECOND = 80;
const ANSWER_TIMEOUT_MS = 5000;
/**
 * The `ws` server's `maxPayload` (4 × MAX_FRAME_BYTES): a bigger message closes the socket with 1009
 * instead of an `error` frame. Fuzzed frames stay under it; a dedicated test covers the close.
 */
export const TRANSPORT_LIMIT_BYTES = MAX_FRAME_BYTES * 4;

const CATALOGUED = new Set<number>(
  [...Object.values(ErrorCode), ...Object.values(RCCallErrorCode)].filter((v): v is number => typeof v === 'number'),
);

type Frame = Record<string, unknown>;
type Expectation = { kind: 'none' } | { kind: 'pong' } | { kind: 'error'; code: number; rid?: number } | { kind: 'answer'; rid: number };

/** What the server must answer to `text` on an authenticated connection. */
export function expectedAnswer(text: string): Expectation {
  if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) return { kind: 'error', code: ErrorCode.OC_FRAME_TOO_LARGE };
  const decoded = decodeClientFrame(text);
  if (!decoded.ok) return { kind: 'error', code: decoded.code, ...(decoded.rid === undefined ? {} : { rid: decoded.rid }) };
  const frame = decoded.value;
  if (frame.t === 'ping') return { kind: 'pong' };
  if (frame.t === 'ack') return { kind: 'none' };
  if (frame.t === 'hello') return { kind: 'error', code: ErrorCode.OC_INVALID_FIELD };
  return { kind: 'answer', rid: frame.rid };
}

/** An authenticated raw socket that sends fuzz frames one at a time. */
export class FuzzSocket {
  private readonly frames: Frame[] = [];
  private closedWith: number | undefined;
  private nextRid = 1_000_000;
  private lastSend = 0;
  sent = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.t === 'evt') this.ws.send(JSON.stringify({ t: 'ack', seq: frame.seq }));
      else this.frames.push(frame);
    });
    ws.on('close', (code) => {
      this.closedWith = code;
    });
  }

  static async open(url: string, appKey: string, token: string, deviceId: string): Promise<FuzzSocket> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const socket = new FuzzSocket(ws);
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId }));
    const welcome = await socket.take((f) => f.t === 'welcome' || f.t === 'refused');
    if (welcome.t !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    return socket;
  }

  private async take(match: (f: Frame) => boolean, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      if (this.closedWith !== undefined)
        throw new Error(`socket closed (${this.closedWith}); pending ${JSON.stringify(this.frames).slice(0, 300)}`);
      if (Date.now() > deadline) throw new Error(`no answer in ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private async pace(): Promise<void> {
    const wait = this.lastSend + 1000 / FRAMES_PER_SECOND - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.lastSend = Date.now();
  }

  /** Gives a decodable integer `rid` a fresh value so its answer can be told apart. */
  private withUniqueRid(text: string): string {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return text;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
    const rid = (value as Frame).rid;
    if (typeof rid !== 'number' || !Number.isInteger(rid) || rid < 0) return text;
    (value as Frame).rid = this.nextRid++;
    return JSON.stringify(value);
  }

  /** Sends `input` and checks its answer; throws with the input on any violation. */
  async exchange(input: string): Promise<void> {
    const text = this.withUniqueRid(input);
    const expected = expectedAnswer(text);
    await this.pace();
    this.ws.send(text);
    this.sent += 1;
    const fail = (why: string, got?: Frame): never => {
      throw new Error(`${why}; input ${JSON.stringify(text.slice(0, 300))}; got ${JSON.stringify(got ?? null).slice(0, 300)}`);
    };
    switch (expected.kind) {
      case 'none':
        return;
      case 'pong':
        await this.take((f) => f.t === 'pong');
        return;
      case 'error': {
        const got =
          expected.rid === undefined
            ? await this.take((f) => (f.t === 'error' || f.t === 'res') && f.rid === undefined)
            : await this.take((f) => f.rid === expected.rid);
        if (got.t !== 'error' || got.code !== expected.code) fail(`expected error ${expected.code}`, got);
        return;
      }
      case 'answer': {
        const got = await this.take((f) => f.rid === expected.rid);
        if (got.t !== 'res' && got.t !== 'error') fail('expected res or error', got);
        if (typeof got.code !== 'number' || !CATALOGUED.has(got.code)) fail('uncatalogued code', got);
        if (got.code === ErrorCode.OC_INTERNAL) fail('internal error', got);
        return;
      }
    }
  }

  /** The connection still works: a ping gets a pong. */
  async ping(): Promise<void> {
    await this.pace();
    this.ws.send(JSON.stringify({ t: 'ping' }));
    await this.take((f) => f.t === 'pong');
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The fuzzed client frames: mutations of valid frames of every type, arbitrary JSON and strings. */
export const clientFrameTexts = frameTextArb(allClientSamples(), [...CLIENT_FRAME_TYPES]).filter(
  (text) => Buffer.byteLength(text, 'utf8') <= TRANSPORT_LIMIT_BYTES,
);

export interface SocketFuzzOptions {
  /** Frames per socket. */
  numRuns: number;
  seed?: number;
  onFrame?: () => void;
}

/** Runs the property on one socket: every fuzzed frame is answered as promised, then ping → pong. */
export async function fuzzSocket(socket: FuzzSocket, options: SocketFuzzOptions): Promise<void> {
  await checkAsyncProperty(
    fc.asyncProperty(clientFrameTexts, async (text) => {
      await socket.exchange(text);
      options.onFrame?.();
    }),
    { numRuns: options.numRuns, endOnFailure: true, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  await socket.ping();
}
