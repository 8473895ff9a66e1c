/**
 * Server faults: after `kill -9` every call in flight ends with a defined reason on every client once
 * they reconnect, and has a complete stored record; SIGTERM drains (no new calls) and ends what is
 * left with NETWORK_ERROR, telling every device.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallEndReason, RCCallErrorCode } from '@opencall/call';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { crashDuringCall, placeAnsweredCall } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const clients: HeadlessClient[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-restart-'));
const servers: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const s of servers) await s.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, env: { ...(port ? { PORT: String(port) } : {}), OPENCALL_DRAIN_TIMEOUT_MS: '300' } });
  servers.push(server);
  return server;
}

describe('server faults', () => {
  it('kill -9 mid-call: after restart both clients end the call with NETWORK_ERROR and the record is complete', async () => {
    const { callId, restarted, summaries } = await crashDuringCall(start, ['crashA', 'crashB'], clients);
    expect(summaries.map((s) => s.endReason)).toEqual([RCCallEndReason.NETWORK_ERROR, RCCallEndReason.NETWORK_ERROR]);

    const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
    try {
      const record = await storage.calls.get(restarted.appKey, callId);
      expect(record).toMatchObject({ callerId: 'crashA', endReason: RCCallEndReason.NETWORK_ERROR });
      expect(record!.beginAt).toBeGreaterThan(0);
      expect(record!.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.NETWORK_ERROR, RCCallEndReason.NETWORK_ERROR]);
      expect(await storage.activeCalls.all()).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('SIGTERM drains: new calls are refused, calls in flight end with NETWORK_ERROR on every device', async () => {
    const server = await start();
    const a = await connectHeadless(server.url, server.appKey, 'drainA', await server.getToken('drainA'));
    const b = await connectHeadless(server.url, server.appKey, 'drainB', await server.getToken('drainB'));
    const c = await connectHeadless(server.url, server.appKey, 'drainC', await server.getToken('drainC'));
    clients.push(a, b, c);
    const { callId } = await placeAnsweredCall(a, b);
    const stopped = server.stop();
    await new Promise((r) => setTimeout(r, 100));
    const refused = await c.client.call({ targetId: 'drainA', listener: c.listener() });
    expect(refused.code).toBe(RCCallErrorCode.SERVER_DRAINING);
    const closes = await Promise.all([a.waitForClose(callId, 8000), b.waitForClose(callId, 8000)]);
    expect(closes.map((x) => x.summary.endReason)).toEqual([RCCallEndReason.NETWORK_ERROR, RCCallEndReason.NETWORK_ERROR]);
    await stopped;
  });
});
