/**
 * A group call on a remote Janus (`OPENCALL_JANUS_URLS`, with `reclaim_session_timeout`) outlives the
 * server process that drives its room: the server is killed (`kill -9`) with three users published in
 * the room and restarted on the same data dir. The new process carries the call on and claims the
 * room's Janus session from the journal; the publishers never left the VideoRoom (asked of Janus
 * directly); a later leave goes through the claimed handles (Janus shows the leaver gone), the last
 * hang-up destroys the room, and the record says 3 / 3 / 13. The claim/takeover logic without
 * browsers (the browser version, across cluster nodes: tests/e2e/cluster-sfu-failover.e2e.test.ts).
 * Signaling only: Janus gathers on `lo`, i.e. no candidates, so no media leaves loopback.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { waitForCallRecord } from '../helpers/call-steps.js';
import { JANUS_BINARY, type JanusServer, SIGNALING_ONLY_OFFER, startJanusServer, videoRoomParticipants } from '../helpers/janus-server.js';
import { connectRawDevice, type Frame, type RawDevice } from '../helpers/raw-device.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const haveJanus = existsSync(JANUS_BINARY);
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-sfu-restart-'));
const servers: ServerProcess[] = [];
const devices: RawDevice[] = [];
let janus: JanusServer;

beforeAll(async () => {
  if (haveJanus) janus = await startJanusServer({ iceInterface: 'lo', reclaimSessionTimeoutS: 20 });
});

afterAll(async () => {
  for (const device of devices) device.close();
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

/** A raw device that keeps its events, so a test can wait for one. */
async function device(server: ServerProcess, userId: string) {
  const raw = await connectRawDevice(server.url, server.appKey, userId, await server.getToken(userId), `${userId}-dev`);
  devices.push(raw);
  const events: Frame[] = [];
  raw.onEvent((event) => events.push(event));
  return {
    raw,
    async request(frame: Frame): Promise<Frame> {
      const reply = await raw.request(frame);
      if (!reply) throw new Error(`${userId}: socket closed before the answer to ${frame.t}`);
      return reply;
    },
    async event(match: (event: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`${userId}: no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

async function roomIdOf(server: ServerProcess, callId: string): Promise<number> {
  const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
  try {
    const row = await storage.activeCalls.get(server.appKey, callId);
    const snapshot = JSON.parse(row?.snapshot ?? '{}') as { sfuRoom?: { data: { roomId: number } } };
    if (!snapshot.sfuRoom) throw new Error('the call journal holds no SFU room state');
    return snapshot.sfuRoom.data.roomId;
  } finally {
    await storage.close();
  }
}

async function logged(server: ServerProcess, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.logs())) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}:\n${server.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!haveJanus)('a group call on a remote Janus survives kill -9 of its server', () => {
  it('the restarted server claims the room: publishers stay in it, a later leave and the hang-up go through it, record 3 / 3 / 13', async () => {
    const first = await start();
    const [a, b, c] = await Promise.all(['sra', 'srb', 'src'].map((userId) => device(first, userId)));
    expect(
      (await first.signedPost('/group/create.json', { groupId: 'srg', groupName: 'g', userId: ['sra', 'srb', 'src'] })).body.code,
    ).toBe(200);
    const callId = 'sfu-restart-call-1';
    const invite = { t: 'call.invite', callId, conversationType: 3, targetId: 'srg', mediaType: 1, userIds: ['srb', 'src'] };
    expect((await a!.request(invite)).code).toBe(RCCallErrorCode.SUCCESS);
    for (const invitee of [b!, c!]) {
      await invitee.event((e) => e.type === 'call.invited');
      expect((await invitee.request({ t: 'call.accept', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    }
    for (const user of [a!, b!, c!]) {
      expect(await user.request({ t: 'rtc.join', roomId: callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS, data: { mode: 'sfu' } });
      const published = await user.request({ t: 'sfu.publish', roomId: callId, description: { type: 'offer', sdp: SIGNALING_ONLY_OFFER } });
      expect(published.code).toBe(RCCallErrorCode.SUCCESS);
    }
    const roomId = await roomIdOf(first, callId);
    expect(await videoRoomParticipants(janus, roomId)).toEqual(['sra', 'srb', 'src']);

    const port = Number(new URL(first.url).port);
    await first.kill('SIGKILL');
    for (const user of [a!, b!, c!]) user.raw.close();
    expect(await videoRoomParticipants(janus, roomId), 'Janus keeps the room and its publishers').toEqual(['sra', 'srb', 'src']);

    const restarted = await start(port);
    await logged(restarted, /SFU room taken over: the call goes on/);
    const [a2, b2, c2] = await Promise.all(['sra', 'srb', 'src'].map((userId) => device(restarted, userId)));
    for (const user of [a2!, b2!, c2!]) {
      const resync = await user.request({ t: 'call.resync', callIds: [callId] });
      expect(resync.data.calls).toEqual([{ callId, live: true }]);
    }
    expect(await videoRoomParticipants(janus, roomId)).toEqual(['sra', 'srb', 'src']);

    // A leave after the restart detaches src's handles through the claimed session.
    expect((await c2!.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    await a2!.event((e) => e.type === 'call.member_left' && e.userId === 'src');
    const deadline = Date.now() + 5_000;
    let left = await videoRoomParticipants(janus, roomId);
    while (left.includes('src') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      left = await videoRoomParticipants(janus, roomId);
    }
    expect(left).toEqual(['sra', 'srb']);

    expect((await a2!.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    await b2!.event((e) => e.type === 'call.ended');
    const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
    try {
      const record = await waitForCallRecord(storage, restarted.appKey, callId);
      expect(Object.fromEntries(record.participants.map((p) => [p.userId, p.endReason]))).toEqual({ sra: 3, srb: 13, src: 3 });
    } finally {
      await storage.close();
    }
    const gone = Date.now() + 5_000;
    let destroyed = false;
    while (!destroyed && Date.now() < gone) {
      destroyed = await videoRoomParticipants(janus, roomId).then(
        () => false,
        () => true,
      );
      if (!destroyed) await new Promise((r) => setTimeout(r, 50));
    }
    expect(destroyed, 'the last hang-up destroyed the room on Janus').toBe(true);
  });
});
