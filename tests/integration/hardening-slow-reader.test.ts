/**
 * Slow readers: 8 authenticated sockets stop reading (their TCP socket is paused) and push up to
 * 200 MB of pings between them. The server must cut them off (output bound or flood limit), keep its
 * heap flat, stay up, and keep other users' calls working; a cut-off device resumes its event stream.
 *
 * Measured (2 shared cores; README "Slow readers and floods"), heap = post-GC `heapUsed + external`:
 * - before the fix no socket was closed; the attack had to be stopped at +1.5 GB of server RSS, with
 *   the heap 1.2–1.4 GB over its baseline;
 * - after: every stalled socket cut off (4002 / 4003), heap within 0.5 MB of the baseline.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { PROTOCOL_VERSION, WsCloseCode } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { DEBUG_HEAP_ENV, type ServerHeap, serverHeap } from '../soak/server-heap.js';

const STALLED = 8;
const BYTES_PER_SOCKET = 25 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const ATTACK_MS = 20_000;
/** Stop the attack early (and fail) if the server's RSS grows past this: unfixed code would eat the machine. */
const RSS_ABORT_BYTES = 1536 * 1024 * 1024;
/** "Within a few MB" of the baseline. */
const MAX_HEAP_GROWTH_BYTES = 4 * 1024 * 1024;

/** `{"t":"ping"}` as a masked client text frame (mask key 0, so the payload is as is), repeated to fill a chunk. */
function pingChunk(): Buffer {
  const payload = Buffer.from('{"t":"ping"}');
  const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
  return Buffer.concat(new Array(Math.floor(CHUNK_BYTES / frame.length)).fill(frame));
}

interface Stalled {
  ws: WebSocket;
  raw: Socket;
  userId: string;
  connectionId: string;
  streamId: string;
  closed: Promise<number>;
  isClosed: () => boolean;
  sent: number;
}

let server: ServerProcess | undefined;
const clients: HeadlessClient[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  server = undefined;
});

async function hello(srv: ServerProcess, userId: string, resume?: { streamId: string; lastSeq: number }) {
  const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  await once(ws, 'open');
  const first = once(ws, 'message').then(([data]) => JSON.parse(String(data)) as Record<string, unknown>);
  ws.send(
    JSON.stringify({
      t: 'hello',
      v: PROTOCOL_VERSION,
      appKey: srv.appKey,
      token: await srv.getToken(userId),
      deviceId: `${userId}-d`,
      resume,
    }),
  );
  return { ws, welcome: await first };
}

async function stalledSocket(srv: ServerProcess, userId: string): Promise<Stalled> {
  const { ws, welcome } = await hello(srv, userId);
  expect(welcome.t).toBe('welcome');
  let closedFlag = false;
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code) => {
      closedFlag = true;
      resolve(code);
    }),
  );
  ws.on('error', () => undefined);
  const raw = (ws as unknown as { _socket: Socket })._socket;
  // Stops reading the TCP socket; unlike `raw.pause()` alone, ws will not resume it when its parser drains.
  ws.pause();
  return {
    ws,
    raw,
    userId,
    connectionId: String(welcome.connectionId),
    streamId: String(welcome.streamId),
    closed,
    isClosed: () => closedFlag,
    sent: 0,
  };
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * Writes ping chunks until the budget, the deadline, the close or `stop()`. One chunk at most waits in
 * this process: `sent` counts what the kernel took, i.e. what is on its way to the server.
 */
async function flood(socket: Stalled, chunk: Buffer, deadline: number, stop: () => boolean): Promise<void> {
  while (socket.sent < BYTES_PER_SOCKET && Date.now() < deadline && !socket.isClosed() && !stop() && !socket.raw.destroyed) {
    const flushed = socket.raw.write(chunk);
    if (!flushed) await drained(socket.raw, deadline - Date.now());
    socket.sent += chunk.length;
  }
}

/** Resolves on the socket's next `drain` or close, or after `ms` (listeners removed either way). */
function drained(raw: Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    raw.on('drain', done);
    raw.on('close', done);
  });
}

/** Two other users place, answer and hang up a call. */
async function callAndHangUp(a: HeadlessClient, b: HeadlessClient): Promise<void> {
  const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
  expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
  const callId = placed.session!.getSessionId();
  await b.waitFor('onSession', (c) => c.sessionId === callId, 10_000);
  const callee = b.sessions.find((s) => s.getSessionId() === callId)!;
  expect((await callee.accept()).code).toBe(RCCallErrorCode.SUCCESS);
  await a.waitFor('onAccept', (c) => c.sessionId === callId, 10_000);
  expect((await placed.session!.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
  expect((await b.waitForClose(callId, 10_000)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
}

const growth = (before: ServerHeap, after: ServerHeap) => after.heapUsed + after.external - (before.heapUsed + before.external);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

/** Codes the server logged when it cut a connection off, by connection id. */
function loggedCloseCodes(logs: string): Map<string, number> {
  const codes = new Map<string, number>();
  for (const line of logs.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { connectionId?: string; closeCode?: number };
      if (entry.connectionId && typeof entry.closeCode === 'number') codes.set(entry.connectionId, entry.closeCode);
    } catch {
      // not a JSON log line
    }
  }
  return codes;
}

async function attack(srv: ServerProcess, prefix: string) {
  const a = await connectHeadless(srv.url, srv.appKey, `${prefix}-a`, await srv.getToken(`${prefix}-a`));
  const b = await connectHeadless(srv.url, srv.appKey, `${prefix}-b`, await srv.getToken(`${prefix}-b`));
  clients.push(a, b);
  const stalled: Stalled[] = [];
  for (let i = 0; i < STALLED; i += 1) stalled.push(await stalledSocket(srv, `${prefix}-slow${i}`));
  const baseline = (await serverHeap(srv))!;
  const rssBaseline = rssOf(srv.pid);
  let rssPeak = rssBaseline;
  let aborted = false;
  const watch = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(srv.pid));
    if (rssPeak - rssBaseline > RSS_ABORT_BYTES) aborted = true;
  }, 200);

  const started = Date.now();
  const chunk = pingChunk();
  const deadline = started + ATTACK_MS;
  let callDoneAt = 0;
  try {
    await Promise.all([
      ...stalled.map((s) => flood(s, chunk, deadline, () => aborted)),
      callAndHangUp(a, b).then(() => {
        callDoneAt = Date.now() - started;
      }),
    ]);
  } finally {
    clearInterval(watch);
  }
  const attackMs = Date.now() - started;
  const sentMb = stalled.reduce((n, s) => n + s.sent, 0) / 1024 / 1024;
  // Still not reading, give the server time to work through what it received: it logs each cut-off.
  const logDeadline = Date.now() + 15_000;
  const cutOff = () => stalled.filter((s) => loggedCloseCodes(srv.logs()).has(s.connectionId)).length;
  while (cutOff() < STALLED && Date.now() < logDeadline) await new Promise((r) => setTimeout(r, 100));
  // Then read again: a connection the server closed shows up once its socket is read.
  for (const s of stalled) {
    s.ws.removeAllListeners('message');
    s.ws.resume();
  }
  const closeDeadline = Date.now() + 5000;
  while (stalled.some((s) => !s.isClosed()) && Date.now() < closeDeadline) await new Promise((r) => setTimeout(r, 50));
  const after = (await serverHeap(srv))!;
  const summary = {
    attackMs,
    sentMb: Math.round(sentMb),
    callDoneAtMs: callDoneAt,
    heapGrowthMb: mb(growth(baseline, after)),
    rssPeakGrowthMb: mb(rssPeak - rssBaseline),
    closedByServer: stalled.filter((s) => s.isClosed()).length,
    sentPerSocketMb: stalled.map((s) => Math.round(s.sent / 1024 / 1024)),
    logged: stalled.map((s) => loggedCloseCodes(srv.logs()).get(s.connectionId) ?? 0),
    aborted,
  };
  console.info(`[slow-reader ${prefix}]`, JSON.stringify(summary));
  return { a, b, stalled, baseline, after, aborted, summary };
}

describe('slow readers that flood pings', () => {
  it('with the rate limit out of the way, each is terminated at the output bound (4002); heap flat; calls work; the stream resumes', async () => {
    server = await startServerProcess({ env: { ...DEBUG_HEAP_ENV, OPENCALL_WS_RATE_PER_SEC: '1000000' } });
    const srv = server;
    const { stalled, baseline, after, aborted } = await attack(srv, 'bound');
    expect(aborted).toBe(false);
    expect(growth(baseline, after)).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    expect(stalled.every((s) => s.isClosed())).toBe(true);
    const codes = loggedCloseCodes(srv.logs());
    expect(stalled.map((s) => codes.get(s.connectionId))).toEqual(stalled.map(() => WsCloseCode.SLOW_READER));
    expect(await (await fetch(`${srv.url}/healthz`)).json()).toEqual({ ok: true });
    // The cut-off device comes back and resumes its event stream, as after any other socket loss.
    const back = await hello(srv, stalled[0]!.userId, { streamId: stalled[0]!.streamId, lastSeq: 0 });
    expect(back.welcome).toMatchObject({ t: 'welcome', resumed: true, streamId: stalled[0]!.streamId });
  }, 60_000);

  it('with the default rate limit, the flood is cut off as flooding (4003); heap flat; calls work', async () => {
    server = await startServerProcess({ env: { ...DEBUG_HEAP_ENV } });
    const srv = server;
    const { stalled, baseline, after, aborted } = await attack(srv, 'rate');
    expect(aborted).toBe(false);
    expect(growth(baseline, after)).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    expect(stalled.every((s) => s.isClosed())).toBe(true);
    const codes = loggedCloseCodes(srv.logs());
    expect(stalled.map((s) => codes.get(s.connectionId))).toEqual(stalled.map(() => WsCloseCode.FLOODING));
    expect(await (await fetch(`${srv.url}/healthz`)).json()).toEqual({ ok: true });
  }, 60_000);
});
