/**
 * One connection attempt: open a socket, send `hello`, wait for `welcome` or `refused`.
 * On `welcome` the socket is handed over synchronously (`onWelcome`), so no frame that follows it
 * in the same network read can be lost; any other outcome closes the socket.
 */
import { decodeServerFrame, ErrorCode, encodeFrame, type HelloFrame, type ServerFrame, type WelcomeFrame } from '@opencall/protocol';
import type { PluginLogger } from './plugin-context.js';
import { messageText, type WebSocketConstructor, type WebSocketLike, WS_OPEN } from './websocket-like.js';

/** How an attempt ended. After `welcome`, `onWelcome` has already run. */
export type AttemptOutcome =
  | { kind: 'welcome' }
  | { kind: 'refused'; code: number; message: string }
  | { kind: 'unreachable'; code: ErrorCode.RC_NET_UNAVAILABLE | ErrorCode.TIMEOUT }
  | { kind: 'aborted' };

export interface AttemptOptions {
  WebSocket: WebSocketConstructor;
  url: string;
  hello: HelloFrame;
  timeoutMs: number;
  logger: PluginLogger;
  /** Takes ownership of the socket; `helloSentAt` lets the caller estimate the server clock. */
  onWelcome(socket: WebSocketLike, welcome: WelcomeFrame, helloSentAt: number): void;
}

export interface Attempt {
  outcome: Promise<AttemptOutcome>;
  /** End the attempt now (outcome `aborted`); no effect once settled. */
  abort(): void;
}

export function startAttempt(options: AttemptOptions): Attempt {
  const { logger } = options;
  let abort: () => void = () => {};
  const outcome = new Promise<AttemptOutcome>((resolve) => {
    let socket: WebSocketLike | undefined;
    let helloSentAt = Date.now();
    let settled = false;
    const settle = (result: AttemptOutcome, welcome?: WelcomeFrame): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (welcome !== undefined && socket !== undefined) options.onWelcome(socket, welcome, helloSentAt);
      else if (socket !== undefined) closeQuietly(socket, 1000, 'connect attempt ended');
      resolve(result);
    };
    abort = () => settle({ kind: 'aborted' });
    const timer = setTimeout(() => settle({ kind: 'unreachable', code: ErrorCode.TIMEOUT }), options.timeoutMs);
    try {
      socket = new options.WebSocket(options.url);
    } catch (err) {
      logger.error('cannot create WebSocket', options.url, err);
      settle({ kind: 'unreachable', code: ErrorCode.RC_NET_UNAVAILABLE });
      return;
    }
    const ws = socket;
    ws.onopen = () => {
      if (settled || ws.readyState !== WS_OPEN) return;
      helloSentAt = Date.now();
      ws.send(encodeFrame(options.hello));
    };
    ws.onmessage = (event) => {
      if (settled) return;
      const frame = decodeServerMessage(event.data, logger);
      if (frame === undefined) return;
      if (frame.t === 'welcome') settle({ kind: 'welcome' }, frame);
      else if (frame.t === 'refused' || frame.t === 'bye') settle({ kind: 'refused', code: frame.code, message: frame.message });
      else logger.warn(`ignoring '${frame.t}' frame before welcome`);
    };
    ws.onclose = () => settle({ kind: 'unreachable', code: ErrorCode.RC_NET_UNAVAILABLE });
    ws.onerror = () => {
      // `close` follows and settles the attempt.
    };
  });
  return { outcome, abort: () => abort() };
}

/** Decode a message event's payload as a server frame; invalid frames are logged and dropped. */
export function decodeServerMessage(data: unknown, logger: PluginLogger): ServerFrame | undefined {
  const text = messageText(data);
  if (text === undefined) {
    logger.warn('ignoring a non-text frame');
    return undefined;
  }
  const decoded = decodeServerFrame(text);
  if (!decoded.ok) {
    logger.warn(`ignoring an invalid frame: ${decoded.code} ${decoded.message}`);
    return undefined;
  }
  return decoded.value;
}

/** Detach every handler and close; errors from closing a half-open socket are irrelevant. */
export function closeQuietly(socket: WebSocketLike, code: number, reason: string): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  // `ws` throws on an 'error' event without a listener, so keep a no-op one.
  socket.onerror = () => {};
  try {
    socket.close(code, reason);
  } catch {
    // Some runtimes throw when closing a socket that never opened; it is gone either way.
  }
}
