/**
 * A group call on a remote Janus (`OPENCALL_JANUS_URLS`, with `reclaim_session_timeout`) outlives the
 * server process that drives its room: the server is killed (`kill -9`) with three users published in
 * the room and restarted on the same data dir. The new process carries the call on and claims the
 * room's Janus session from the journal; the publishers never left the VideoRoom (asked of Janus
 * directly); a later leave goes through the claimed handles (Janus shows the leaver gone), the last
 * hang-up destroys the room, and the record says 3 / 3 / 13. The claim/takeover logic without
 * browsers (with browsers, across cluster nodes: tests/e2e/cluster-sfu-failover.e2e.test.ts).
 * Signaling only: Janus gathers on `lo`, i.e. no candidates, so no media leaves loopback.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { waitForCallRecord } from '../helpers/call-steps.js';
import { JANUS_BINARY, type JanusServer, startJanusServer } from '../helpers/janus-server.js';
import type { RawDevice } from '../helpers/raw-device.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { janusRoomBecomes, janusRoomIdOf, logged, publishedGroupCall, sfuDevice } from '../helpers/sfu-steps.js';

const haveJanus = existsSync(JANUS_BINARY);
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-sfu-restart-'));
const servers: ServerProcess[] = [];
const raws: RawDevice[] = [];
let janus: JanusServer;

beforeAll(async () => {
  if (haveJanus) janus = await startJanusServer({ iceInterface: 'lo', reclaimSessionTimeoutS: 20 });
});

afterAll(async () => {
  for (const raw of raws) raw.close();
  for (const server of servers) await server.stop().catch(() => undefined);
  await janus?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({
    dataDir,
    env: { ...(port ? { PORT: String(port) } : {}), OPENCALL_SFU: 'auto', OPENCALL_JANUS_URLS: janus.urlWithSecret },
  });
  servers.push(server);
  return server;
}

async function withStorage<T>(use: (storage: Awaited<ReturnType<typeof openSqliteStorage>>) => Promise<T>): Promise<T> {
  const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

describe.skipIf(!haveJanus)('a group call on a remote Janus survives kill -9 of its server', () => {
  it('the restarted server claims the room: publishers stay in it, a later leave and the hang-up go through it, record 3 / 3 / 13', async () => {
    const first = await start();
    const users = ['sra', 'srb', 'src'];
    const callId = 'sfu-restart-call-1';
    await publishedGroupCall(first, callId, 'srg', await Promise.all(users.map((u) => sfuDevice(first, u, raws))));
    const roomId = await withStorage(async (s) => janusRoomIdOf((await s.activeCalls.get(first.appKey, callId))?.snapshot));
    await janusRoomBecomes(janus, roomId, users);

    const port = Number(new URL(first.url).port);
    await first.kill('SIGKILL');
    for (const raw of raws) raw.close();
    await janusRoomBecomes(janus, roomId, users); // Janus keeps the room and its publishers

    const restarted = await start(port);
    await logged(restarted, /SFU room taken over: the call goes on/);
    const [a, b, c] = await Promise.all(users.map((u) => sfuDevice(restarted, u, raws)));
    for (const device of [a!, b!, c!]) {
      expect((await device.request({ t: 'call.resync', callIds: [callId] })).data.calls).toEqual([{ callId, live: true }]);
    }
    await janusRoomBecomes(janus, roomId, users);

    // A leave after the restart detaches src's handles through the claimed session.
    expect((await c!.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    await a!.event((e) => e.type === 'call.member_left' && e.userId === 'src');
    await janusRoomBecomes(janus, roomId, ['sra', 'srb']);

    expect((await a!.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    await b!.event((e) => e.type === 'call.ended');
    const record = await withStorage((s) => waitForCallRecord(s, restarted.appKey, callId));
    expect(Object.fromEntries(record.participants.map((p) => [p.userId, p.endReason]))).toEqual({ sra: 3, srb: 13, src: 3 });
    await janusRoomBecomes(janus, roomId, null); // the last hang-up destroyed the room
  });
});
