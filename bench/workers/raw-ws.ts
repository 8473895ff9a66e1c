/**
 * Worker for the raw-transport baseline: a bare `ws` pair, nothing of ours in between.
 *   server: listens on 127.0.0.1; JSON-parses every frame; echoes frames with `echo`, counts the rest.
 *   client: `latency` (sequential echo round trips) or `flood` (as many frames as the server takes).
 * Driven over IPC by bench/scenarios/raw-transport.ts.
 *
 *   node --import tsx bench/workers/raw-ws.ts server|client
 */
import { WebSocketServer } from 'ws';
import { openSocket } from '../lib/json-ws.js';

const send = (m: unknown) => process.send?.(m);

/** A frame about the size and shape of a call request. */
function frame(rid: number, echo: boolean): string {
  return JSON.stringify({
    t: 'call.invite',
    rid,
    callId: 'c0a8f3e2-5b1d-4c9a-9e7f-2d6b8a1c3e5f',
    targetId: 'bench-callee-00042',
    mediaType: 2,
    echo,
  });
}

function runServer(): void {
  let received = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { echo?: boolean };
      received++;
      if (message.echo) socket.send(data.toString('utf8'));
    });
  });
  wss.on('listening', () => {
    const address = wss.address();
    send({ type: 'listening', port: address && typeof address === 'object' ? address.port : 0 });
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'count') send({ type: 'count', received });
  });
}

async function latency(url: string, iterations: number): Promise<number[]> {
  const socket = await openSocket(url);
  const samples: number[] = [];
  let resolveEcho: (() => void) | undefined;
  socket.on('message', () => resolveEcho?.());
  for (let i = 0; i < iterations; i++) {
    const echoed = new Promise<void>((r) => {
      resolveEcho = r;
    });
    const started = performance.now();
    socket.send(frame(i, true));
    await echoed;
    samples.push((performance.now() - started) / 2);
  }
  socket.close();
  return samples;
}

/** Keeps `connections` sockets' send buffers topped up for `durationMs`. */
async function flood(url: string, connections: number, durationMs: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => openSocket(url)));
  const payload = frame(1, false);
  let sent = 0;
  const deadline = performance.now() + durationMs;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (performance.now() >= deadline) {
        resolve();
        return;
      }
      for (const socket of sockets) {
        for (let i = 0; i < 64 && socket.bufferedAmount < 256 * 1024; i++) {
          socket.send(payload);
          sent++;
        }
      }
      setImmediate(pump);
    };
    pump();
  });
  for (const socket of sockets) socket.close();
  return sent;
}

function runClient(): void {
  process.on('message', async (m: { type: string; url: string; iterations?: number; connections?: number; durationMs?: number }) => {
    try {
      if (m.type === 'latency') send({ type: 'latency', samples: await latency(m.url, m.iterations ?? 1000) });
      if (m.type === 'flood') send({ type: 'flood', sent: await flood(m.url, m.connections ?? 4, m.durationMs ?? 3000) });
    } catch (error) {
      send({ type: 'error', message: (error as Error).message });
    }
  });
  send({ type: 'ready' });
}

if (process.argv[2] === 'server') runServer();
else runClient();
