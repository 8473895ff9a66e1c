/**
 * Postgres goes away under a running server (its connection runs through a loopback proxy the test
 * cuts and blocks): new calls are refused with STORAGE_UNAVAILABLE (53220), the server stays up,
 * and once Postgres is reachable again calls work as before.
 */
import { RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

let database: TestDatabase;
let proxy: TcpProxy;
let server: ServerProcess;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = await startTcpProxy(Number(url.port || 5432));
  url.port = new URL(proxy.url).port;
  server = await startServerProcess({ env: { OPENCALL_DATABASE_URL: url.toString() } });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  await proxy?.close();
  await database?.drop();
});

async function device(userId: string): Promise<HeadlessClient> {
  const client = await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId));
  clients.push(client);
  return client;
}

describe('Postgres outage', () => {
  it('new calls get 53220 while the database is unreachable; no crash; calls work again once it is back', async () => {
    const caller = await device('pga');
    await device('pgb');
    proxy.block(true);
    proxy.cut();
    const refused = await caller.client.call({ targetId: 'pgb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    expect(refused.code).toBe(RCCallErrorCode.STORAGE_UNAVAILABLE);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    proxy.block(false);
    let placed = await caller.client.call({ targetId: 'pgb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    for (let attempt = 0; attempt < 20 && placed.code !== RCCallErrorCode.SUCCESS; attempt++) {
      await new Promise((r) => setTimeout(r, 250));
      placed = await caller.client.call({ targetId: 'pgb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    }
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    await placed.session!.hungup();
    expect(server.logs()).not.toMatch(/"level":60/);
  });
});
