/**
 * Fuzzing the IM WebSocket of the real server process: every fuzzed frame is answered with its
 * catalogued code, the connections stay usable, the server stays healthy and logs no error.
 */

import { PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { fuzzRuns } from './fuzz-runs.js';
import { FUZZ_SERVER_ENV } from './fuzz-server.js';
import { assertCleanLogs } from './server-log-check.js';
import { FuzzSocket, fuzzSocket, TRANSPORT_LIMIT_BYTES } from './ws-fuzzer.js';

const SOCKETS = 4;
let server: ServerProcess;
const sockets: FuzzSocket[] = [];

beforeAll(async () => {
  server = await startServerProcess({ env: FUZZ_SERVER_ENV });
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

describe('IM WebSocket under fuzzed frames', () => {
  it('answers every frame with a catalogued code, keeps every connection usable, logs no error', async () => {
    for (let i = 0; i < SOCKETS; i += 1) {
      const userId = `wsfuzz${i}`;
      sockets.push(await FuzzSocket.open(server.url, server.appKey, await server.getToken(userId), `${userId}-dev`));
    }
    await Promise.all(sockets.map((socket) => fuzzSocket(socket, { numRuns: fuzzRuns(150) })));
    expect(sockets.reduce((n, s) => n + s.sent, 0)).toBe(SOCKETS * fuzzRuns(150));
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    assertCleanLogs(server.logs());
  });

  it('closes only the offending socket (1009) for a message over the transport limit; the server keeps serving', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(
      JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken('wsbig'), deviceId: 'd' }),
    );
    ws.send(`{"t":"ping","pad":"${'x'.repeat(TRANSPORT_LIMIT_BYTES)}"}`);
    expect(await closed).toBe(1009);
    const other = await FuzzSocket.open(server.url, server.appKey, await server.getToken('wsbig2'), 'd2');
    sockets.push(other);
    await other.ping();
  });
});
