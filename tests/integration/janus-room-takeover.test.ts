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
import { JanusClient } from '../../packages/server/src/adapters/sfu/janus/janus-client.js';
import { BadRoomStateError } from '../../packages/server/src/adapters/sfu/janus/janus-room-state.js';
import { JanusSfu } from '../../packages/server/src/adapters/sfu/janus/janus-sfu.js';
import type { SfuRoomRef } from '../../packages/server/src/adapters/sfu/sfu-port.js';
import { JANUS_BINARY, type JanusServer, startJanusServer } from '../helpers/janus-server.js';

const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS stream',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendonly',
  'a=msid:stream track',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=ssrc:1001 cname:opencall',
  '',
].join('\r\n');

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

/** The displays in a VideoRoom, asked on a session of its own (a third party's view of the room). */
async function participantsOf(server: JanusServer, roomId: number): Promise<string[]> {
  const client = await JanusClient.connect(server.url, { apiSecret: server.apiSecret });
  try {
    const handle = await client.attach('janus.plugin.videoroom');
    const reply = await client.message(handle, { request: 'listparticipants', room: roomId });
    const list = (reply.plugindata?.data.participants ?? []) as { display?: string }[];
    return list.map((p) => p.display ?? '').sort();
  } finally {
    client.close();
  }
}

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
