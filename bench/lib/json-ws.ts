/** Small promise helpers over a `ws` WebSocket speaking JSON text frames. */
import { WebSocket } from 'ws';

export function openSocket(
  url: string,
  options: { protocol?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocol, {
      perMessageDeflate: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`connect ${url}: timeout`));
    }, options.timeoutMs ?? 10_000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Waits (bounded) for the first JSON frame on `socket` matching `match`; `signal` cancels the wait (rejects). */
export function nextJson<T = Record<string, unknown>>(
  socket: WebSocket,
  match: (m: T) => boolean,
  timeoutMs: number,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(new Error(`${what}: cancelled`));
    };
    const onMessage = (data: Buffer) => {
      const parsed = JSON.parse(data.toString('utf8')) as T;
      if (!match(parsed)) return;
      cleanup();
      resolve(parsed);
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`${what}: socket closed`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no frame within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort);
  });
}
