/**
 * The server's `close()` (docs/teardown.md) on the real server, in process: a call in flight ends
 * with NETWORK_ERROR on both devices and its record is stored before storage closes; and when one
 * step fails, the steps after it still run (the port is freed, the database is closed) and `close()`
 * rejects with a `TeardownError` naming the failed step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallEndReason } from '@opencall/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../packages/server/src/adapters/storage/open-storage.js';
import { type RunningServer, startServer } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { TeardownError } from '../../packages/server/src/teardown/run-teardown.js';
import { placeAnsweredCall, waitForCallRecord } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';

const APP_KEY = 'teardownapp01';
const env = (dataDir: string) => ({
  HOST: '127.0.0.1',
  PORT: '0',
  OPENCALL_DATA_DIR: dataDir,
  OPENCALL_APP_KEY: APP_KEY,
  OPENCALL_APP_SECRET: 'teardown-app-secret-01',
  OPENCALL_SFU: 'off',
});

const dirs: string[] = [];
const clients: HeadlessClient[] = [];
let running: RunningServer | undefined;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  await running?.close().catch(() => undefined);
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencall-teardown-'));
  dirs.push(dataDir);
  const server = await startServer(loadConfig(env(dataDir)), pino({ level: 'silent' }));
  running = server;
  return { server, dataDir };
}

async function client(server: RunningServer, userId: string): Promise<HeadlessClient> {
  const c = await connectHeadless(server.url, server.appKey, userId, await server.tokens.issue(server.appKey, userId));
  clients.push(c);
  return c;
}

function portRefuses(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('server close()', () => {
  it('ends the call in flight with NETWORK_ERROR on both devices and stores its record before storage closes', async () => {
    const { server, dataDir } = await start();
    const [a, b] = [await client(server, 'tdA'), await client(server, 'tdB')];
    const { callId } = await placeAnsweredCall(a, b);
    // 3 s: well under the clients' own give-up time (≈15 s), so the end must come from the server.
    const closes = Promise.all([a.waitForClose(callId, 3000), b.waitForClose(callId, 3000)]);
    await server.close();
    running = undefined;
    expect((await closes).map((x) => x.summary.endReason)).toEqual([RCCallEndReason.NETWORK_ERROR, RCCallEndReason.NETWORK_ERROR]);
    expect(await portRefuses(server.url)).toBe(true);
    const reopened = await openStorage(loadConfig(env(dataDir)), pino({ level: 'silent' }));
    try {
      expect(await waitForCallRecord(reopened, APP_KEY, callId, 2000)).toMatchObject({ endReason: RCCallEndReason.NETWORK_ERROR });
    } finally {
      await reopened.close();
    }
  });

  it('runs every step after a failing one and rejects with a TeardownError naming it', async () => {
    const { server } = await start();
    const storageClosed = new Promise<void>((resolve) => {
      const close = server.storage.close.bind(server.storage);
      server.storage.close = async () => {
        await close();
        resolve();
      };
    });
    // Fault injected into the first step of the cascade: the real calls.close() is replaced by a failure.
    server.calls.close = () => Promise.reject(new Error('injected calls.close failure'));
    const error = await server.close().catch((e: unknown) => e);
    running = undefined;
    expect(error).toBeInstanceOf(TeardownError);
    expect((error as TeardownError).failures.map((f) => f.step)).toEqual(['calls.close']);
    await storageClosed;
    expect(await portRefuses(server.url)).toBe(true);
  });
});
