/**
 * Server faults: after `kill -9` and a restart on the same data dir, calls in flight go on (the SDKs
 * reconnect on fresh event streams and resync), ring timers fire once at their journaled deadlines,
 * and every call still gets a complete record; SIGTERM drains (no new calls) and ends what is left
 * with NETWORK_ERROR, telling every device.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { crashDuringCall, placeAnsweredCall, reconnected } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const clients: HeadlessClient[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-restart-'));
const servers: ServerProcess[] = [];
/** Long enough to kill and restart the server while a call rings. */
const RING_TIMEOUT_MS = 12_000;

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const s of servers) await s.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({
    dataDir,
    env: { ...(port ? { PORT: String(port) } : {}), OPENCALL_DRAIN_TIMEOUT_MS: '300', OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) },
  });
  servers.push(server);
  return server;
}

async function storedRecord(appKey: string, callId: string) {
  const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
  try {
    return await storage.calls.get(appKey, callId);
  } finally {
    await storage.close();
  }
}

describe('server faults', () => {
  it('kill -9 mid-call, restart on the same data dir: the call goes on, a later hang-up gives 3 / 13 and a complete record', async () => {
    const { callId, restarted, closedDuringRestart, summaries } = await crashDuringCall(start, ['crashA', 'crashB'], clients);
    expect(closedDuringRestart).toEqual([]);
    expect(summaries.map((s) => s.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    const record = await storedRecord(restarted.appKey, callId);
    expect(record).toMatchObject({ callerId: 'crashA', endReason: RCCallEndReason.HANGUP });
    expect(record!.beginAt).toBeGreaterThan(0);
    expect(record!.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
  });

  it('kill -9 while ringing: after the restart the callee can still answer, and an unanswered ring times out exactly once', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    const a = await connectHeadless(first.url, first.appKey, 'ringA', await first.getToken('ringA'));
    const b = await connectHeadless(first.url, first.appKey, 'ringB', await first.getToken('ringB'));
    const c = await connectHeadless(first.url, first.appKey, 'ringC', await first.getToken('ringC'));
    const d = await connectHeadless(first.url, first.appKey, 'ringD', await first.getToken('ringD'));
    clients.push(a, b, c, d);
    const answered = await a.client.call({ targetId: 'ringB', mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    const unanswered = await c.client.call({ targetId: 'ringD', mediaType: RCCallMediaType.AUDIO, listener: c.listener() });
    const answeredId = answered.session!.getSessionId();
    const unansweredId = unanswered.session!.getSessionId();
    await b.waitFor('onSession', (x) => x.sessionId === answeredId);
    await d.waitFor('onSession', (x) => x.sessionId === unansweredId);

    await first.kill('SIGKILL');
    await start(port);
    await Promise.all([reconnected(a), reconnected(b), reconnected(c), reconnected(d)]);
    const accept = await b.sessions.find((s) => s.getSessionId() === answeredId)!.accept();
    expect(accept.code).toBe(RCCallErrorCode.SUCCESS);
    await a.waitFor('onAccept', (x) => x.sessionId === answeredId);

    // The ring timer was re-armed at its journaled deadline: NO_RESPONSE / REMOTE_NO_RESPONSE once.
    const [closeC, closeD] = await Promise.all([
      c.waitForClose(unansweredId, RING_TIMEOUT_MS + 10_000),
      d.waitForClose(unansweredId, RING_TIMEOUT_MS + 10_000),
    ]);
    expect([closeC.summary.endReason, closeD.summary.endReason]).toEqual([RCCallEndReason.REMOTE_NO_RESPONSE, RCCallEndReason.NO_RESPONSE]);
    const record = await vi.waitUntil(() => storedRecord(first.appKey, unansweredId), { timeout: 10_000, interval: 100 });
    expect(record).toMatchObject({ endReason: RCCallEndReason.REMOTE_NO_RESPONSE });
    // Exactly once: a second timer would fire at the same journaled deadline, so its close would be on
    // c's and d's event streams before anything the server sends them later — like a new call's ring.
    const later = await c.client.call({ targetId: 'ringD', mediaType: RCCallMediaType.AUDIO, listener: c.listener() });
    const laterId = later.session!.getSessionId();
    await d.waitFor('onSession', (x) => x.sessionId === laterId);
    await later.session!.hungup();
    await d.waitForClose(laterId, 10_000);
    expect(c.closes.concat(d.closes).filter((x) => x.session.getSessionId() === unansweredId)).toHaveLength(2);

    await answered.session!.hungup();
    await b.waitForClose(answeredId, 10_000);
  });

  it('SIGTERM drains: new calls are refused, calls in flight end with NETWORK_ERROR on every device', async () => {
    const server = await start();
    const a = await connectHeadless(server.url, server.appKey, 'drainA', await server.getToken('drainA'));
    const b = await connectHeadless(server.url, server.appKey, 'drainB', await server.getToken('drainB'));
    const c = await connectHeadless(server.url, server.appKey, 'drainC', await server.getToken('drainC'));
    clients.push(a, b, c);
    const { callId } = await placeAnsweredCall(a, b);
    const stopped = server.stop();
    // The server logs this in the tick that starts the drain.
    await vi.waitUntil(() => server.logs().includes('draining: no new calls'), { timeout: 5000, interval: 20 });
    const refused = await c.client.call({ targetId: 'drainA', listener: c.listener() });
    expect(refused.code).toBe(RCCallErrorCode.SERVER_DRAINING);
    const closes = await Promise.all([a.waitForClose(callId, 8000), b.waitForClose(callId, 8000)]);
    expect(closes.map((x) => x.summary.endReason)).toEqual([RCCallEndReason.NETWORK_ERROR, RCCallEndReason.NETWORK_ERROR]);
    await stopped;
  });
});
