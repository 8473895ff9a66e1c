/**
 * Worker opening `count` authenticated IM connections (raw `ws` + `hello`, no SDK: the server is
 * what is measured) from several 127.0.0.x source addresses, `inFlight` at a time, then holding
 * them idle until told to close. IPC: open {url, appKey, count, prefix, addresses, deadlineMs}
 * → opened {connected, failed, ms, firstError}; close → closed.
 */
import { PROTOCOL_VERSION } from '@opencall/protocol';
import type { WebSocket } from 'ws';
import { nextJson, openSocket } from '../lib/json-ws.js';
import { tokenMinter } from '../lib/server.js';

const send = (m: unknown) => process.send?.(m);
const sockets: WebSocket[] = [];

async function openOne(url: string, appKey: string, userId: string, token: string, localAddress: string): Promise<void> {
  const socket = await openSocket(url, { localAddress, timeoutMs: 20_000 });
  const welcome = nextJson<{ t: string; code?: number }>(socket, (m) => m.t === 'welcome' || m.t === 'refused', 20_000, 'hello');
  socket.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId: `${userId}-d`, platform: 'bench' }));
  const reply = await welcome.catch((error) => {
    socket.terminate();
    throw error;
  });
  if (reply.t !== 'welcome') {
    socket.terminate();
    throw new Error(`refused: ${reply.code}`);
  }
  socket.on('message', () => undefined); // idle: nothing arrives, nothing is acked
  sockets.push(socket);
}

async function openAll(m: { url: string; appKey: string; count: number; prefix: string; addresses: string[]; deadlineMs: number }) {
  const mint = tokenMinter();
  const deadline = performance.now() + m.deadlineMs;
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const inFlight = 256;
  const lane = async () => {
    while (next < m.count && performance.now() < deadline && failed < 1000) {
      const n = next++;
      const userId = `${m.prefix}-${n}`;
      try {
        await openOne(m.url, m.appKey, userId, await mint(userId), m.addresses[n % m.addresses.length] as string);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { connected: sockets.length, failed, ms: performance.now() - started, firstError };
}

process.on(
  'message',
  async (m: { type: string; url: string; appKey: string; count: number; prefix: string; addresses: string[]; deadlineMs: number }) => {
    try {
      if (m.type === 'open') send({ type: 'opened', ...(await openAll(m)) });
      if (m.type === 'close') {
        for (const socket of sockets) socket.terminate();
        send({ type: 'closed' });
      }
    } catch (error) {
      send({ type: 'error', message: (error as Error).message });
    }
  },
);
send({ type: 'ready' });
