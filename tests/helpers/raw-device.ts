/**
 * A device speaking the IM WebSocket protocol frame by frame (no SDK): for tests that need many
 * requests quickly or want to see exactly which replies arrived (e.g. before a `kill -9`).
 * Events are acked as they arrive, as the SDK does.
 */
import { PROTOCOL_VERSION } from '@opencall/protocol';
import { WebSocket } from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the frames' shape.
export type Frame = Record<string, any>;

export interface RawDevice {
  readonly userId: string;
  readonly ws: WebSocket;
  /** Sends a request with a fresh rid; resolves with its `res` frame, or undefined if the socket closes first. */
  request(frame: Frame): Promise<Frame | undefined>;
  /** Called for every event (`evt` frame's `evt`). */
  onEvent(listener: (event: Frame) => void): void;
  close(): void;
}

/** Connects and authenticates; rejects unless the server answers `welcome` within `timeoutMs`. */
export async function connectRawDevice(
  url: string,
  appKey: string,
  userId: string,
  token: string,
  deviceId = `${userId}-d1`,
  timeoutMs = 10_000,
): Promise<RawDevice> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  const waiting = new Map<number, (frame: Frame | undefined) => void>();
  const listeners: ((event: Frame) => void)[] = [];
  let nextRid = 1;
  const welcome = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${userId}: no welcome within ${timeoutMs} ms`)), timeoutMs);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.t === 'welcome') {
        clearTimeout(timer);
        resolve();
      } else if (frame.t === 'refused') {
        clearTimeout(timer);
        reject(new Error(`${userId}: refused ${frame.code} ${frame.message}`));
      } else if (frame.t === 'res') {
        waiting.get(frame.rid)?.(frame);
        waiting.delete(frame.rid);
      } else if (frame.t === 'evt') {
        ws.send(JSON.stringify({ t: 'ack', seq: frame.seq }));
        for (const listener of listeners) listener(frame.evt);
      }
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  ws.on('close', () => {
    for (const settle of waiting.values()) settle(undefined);
    waiting.clear();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId }));
  await welcome;
  return {
    userId,
    ws,
    request(frame) {
      if (ws.readyState !== ws.OPEN) return Promise.resolve(undefined);
      const rid = nextRid++;
      return new Promise((resolve) => {
        waiting.set(rid, resolve);
        ws.send(JSON.stringify({ ...frame, rid }));
      });
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    close() {
      ws.terminate();
    },
  };
}
