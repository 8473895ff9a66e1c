/**
 * Hand-over of a Janus room between server processes (cluster mode, README "What survives what"),
 * against a real Janus with `reclaim_session_timeout`: node A's `JanusSfu` opens a room and publishes
 * into it; A's connection dies (its room released, as a `kill -9` closes its sockets); node B's
 * `JanusSfu` resumes the room from the state A stored — the same session, room and handles, still in
 * the VideoRoom — drives it on (joins, leaves) and destroys it at the end. Without
 * `reclaim_session_timeout` the session dies with A's connection and B gets a clear refusal.
 * Signaling only: Janus gathers on `lo`, i.e. no candidates, so no media leaves loopback.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadRoomStateError } from '../../packages/server/src/adapters/sfu/janus/janus-room-state.js';
import { JanusSfu } from '../../packages/server/src/adapters/sfu/janus/janus-sfu.js';
import type { SfuRoomRef } from '../../packages/server/src/adapters/sfu/sfu-port.js';
import { JANUS_BINARY, type JanusServer, SIGNALING_ONLY_OFFER, startJanusServer, videoRoomParticipants } from '../helpers/janus-server.js';

const OFFER = SIGNALING_ONLY_OFFER;

const quiet = { info: () => {}, warn: () => {} };
const haveJanus = existsSync(JANUS_BINARY);
let janus: JanusServer;
let noReclaim: JanusServer;
const sfus: JanusSfu[] = [];

function sfuOn(server: JanusServer): JanusSfu {
  const sfu = new JanusSfu('remote', [{ url: server.url, apiSecret: server.apiSecret }], quiet);
  sfus.push(sfu);
  return sfu;
}

const participantsOf = videoRoomParticipants;

beforeAll(async () => {
  if (!haveJanus) return;
  [janus, noReclaim] = await Promise.all([
    startJanusServer({ iceInterface: 'lo', reclaimSessionTimeoutS: 10 }),
    startJanusServer({ iceInterface: 'lo', reclaimSessionTimeoutS: 0 }),
  ]);
});

afterAll(async () => {
  for (const sfu of sfus) await sfu.close();
  await Promise.all([janus?.stop(), noReclaim?.stop()]);
});

describe.skipIf(!haveJanus)('a Janus room changes hands between server processes', () => {
  it('node B claims the room node A drove: same session, room and handles; it goes on, then is destroyed', async () => {
    const ref: SfuRoomRef = { appKey: 'app', callId: 'call-takeover' };
    const nodeA = sfuOn(janus);
    const lostOnA = vi.fn();
    nodeA.on('sfuLost', lostOnA);
    const room = await nodeA.openRoom(ref, { maxPublishers: 16 });
    const changed = vi.fn();
    room.on('changed', changed);
    expect(await room.publish('alice', OFFER)).toMatch(/^v=0/);
    expect(changed, 'a new handle is announced for the journal').toHaveBeenCalled();
    const stored = room.state();
    expect(stored?.sfu).toBe('janus');
    const roomId = stored!.data.roomId as number;
    expect(await participantsOf(janus, roomId)).toEqual(['alice']);

    // Node A goes away: its connection closes, the session is left to Janus.
    room.release();
    expect(lostOnA, 'a released room is not "lost"').not.toHaveBeenCalled();
    expect(await participantsOf(janus, roomId), "alice's publisher outlives A's connection").toEqual(['alice']);

    const nodeB = sfuOn(janus);
    const startedAt = performance.now();
    const taken = await nodeB.resumeRoom(ref, JSON.parse(JSON.stringify(stored)));
    const claimMs = performance.now() - startedAt;
    expect(taken.state()?.data).toMatchObject({ sessionId: stored!.data.sessionId, roomId, adminHandle: stored!.data.adminHandle });
    expect(taken.state()?.data.publishers).toEqual(stored!.data.publishers);

    // B drives the room on: a later join, then alice leaves through the handle A attached.
    expect(await taken.publish('bob', OFFER)).toMatch(/^v=0/);
    expect(await participantsOf(janus, roomId)).toEqual(['alice', 'bob']);
    await taken.leave('alice');
    expect(await participantsOf(janus, roomId)).toEqual(['bob']);

    await taken.destroy();
    await expect(participantsOf(janus, roomId), 'the room is gone').rejects.toThrow(/426|No such room/);
    await expect(nodeB.resumeRoom(ref, stored!), 'its session is gone too').rejects.toThrow(/458|No such session/);
    console.log(`[integration-timing] ${JSON.stringify({ label: 'janus room claimed by another process', claimMs: Math.round(claimMs) })}`);
  });

  it('a frozen node (its connection still open) loses the room to the claim: the new owner drives it, the old one lets go harmlessly', async () => {
    const ref: SfuRoomRef = { appKey: 'app', callId: 'call-frozen' };
    const nodeA = sfuOn(janus);
    const lostOnA = vi.fn();
    nodeA.on('sfuLost', lostOnA);
    const room = await nodeA.openRoom(ref, { maxPublishers: 16 });
    await room.publish('alice', OFFER);
    const stored = room.state()!;
    const roomId = stored.data.roomId as number;

    const taken = await sfuOn(janus).resumeRoom(ref, stored);
    // The old owner wakes up fenced and drops the call: it releases the room, nothing is destroyed.
    room.release();
    expect(lostOnA).not.toHaveBeenCalled();
    expect(await taken.publish('bob', OFFER)).toMatch(/^v=0/);
    expect(await participantsOf(janus, roomId)).toEqual(['alice', 'bob']);
    await taken.destroy();
  });

  it('refuses a bad stored state, a Janus this node is not configured for, and a session Janus dropped (no reclaim_session_timeout)', async () => {
    const ref: SfuRoomRef = { appKey: 'app', callId: 'call-refusals' };
    const room = await sfuOn(noReclaim).openRoom(ref, { maxPublishers: 16 });
    const stored = room.state()!;
    room.release();

    await expect(sfuOn(noReclaim).resumeRoom(ref, { sfu: 'janus', data: { ...stored.data, sessionId: -1 } })).rejects.toBeInstanceOf(
      BadRoomStateError,
    );
    await expect(sfuOn(noReclaim).resumeRoom(ref, { sfu: 'other', data: stored.data })).rejects.toBeInstanceOf(BadRoomStateError);
    await expect(sfuOn(janus).resumeRoom(ref, stored), 'not one of its URLs').rejects.toThrow(
      /not one of this server's OPENCALL_JANUS_URLS/,
    );
    await expect(sfuOn(noReclaim).resumeRoom(ref, stored), 'the session died with its connection').rejects.toThrow(/458|No such session/);
  });
});
