/**
 * Steps of the signaling-only SFU tests (no browsers): raw devices that keep their events, a group call
 * whose users each publish a candidate-less offer into the Janus room, polling a server's logs, and
 * waiting for Janus's own view of a VideoRoom.
 */
import { RCCallErrorCode } from '@opencall/protocol';
import { expect } from 'vitest';
import { type JanusServer, SIGNALING_ONLY_OFFER, videoRoomParticipants } from './janus-server.js';
import { connectRawDevice, type Frame, type RawDevice } from './raw-device.js';
import type { ServerProcess } from './server-process.js';

export interface SfuDevice {
  readonly userId: string;
  readonly raw: RawDevice;
  request(frame: Frame): Promise<Frame>;
  /** The first event matching `match` (already received or to come), polled within `timeoutMs`. */
  event(match: (event: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
}

/** A raw device of `userId` (device id `<userId>-dev`, the same across reconnects) on `server`. */
export async function sfuDevice(server: ServerProcess, userId: string, opened: RawDevice[]): Promise<SfuDevice> {
  const raw = await connectRawDevice(server.url, server.appKey, userId, await server.getToken(userId), `${userId}-dev`);
  opened.push(raw);
  const events: Frame[] = [];
  raw.onEvent((event) => events.push(event));
  return {
    userId,
    raw,
    async request(frame) {
      const reply = await raw.request(frame);
      if (!reply) throw new Error(`${userId}: socket closed before the answer to ${frame.t}`);
      return reply;
    },
    async event(match, timeoutMs = 10_000) {
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

/** `caller` calls the others in group `groupId` (created through `server`); all answer, join the room and publish. */
export async function publishedGroupCall(server: ServerProcess, callId: string, groupId: string, [caller, ...invitees]: SfuDevice[]) {
  const userIds = [caller!, ...invitees].map((d) => d.userId);
  expect((await server.signedPost('/group/create.json', { groupId, groupName: groupId, userId: userIds })).body.code).toBe(200);
  const invite = { t: 'call.invite', callId, conversationType: 3, targetId: groupId, mediaType: 1, userIds: invitees.map((d) => d.userId) };
  expect((await caller!.request(invite)).code).toBe(RCCallErrorCode.SUCCESS);
  for (const invitee of invitees) {
    await invitee.event((e) => e.type === 'call.invited');
    expect((await invitee.request({ t: 'call.accept', callId })).code).toBe(RCCallErrorCode.SUCCESS);
  }
  for (const device of [caller!, ...invitees]) {
    expect(await device.request({ t: 'rtc.join', roomId: callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS, data: { mode: 'sfu' } });
    const published = await device.request({ t: 'sfu.publish', roomId: callId, description: { type: 'offer', sdp: SIGNALING_ONLY_OFFER } });
    expect(published.code, `${device.userId}: sfu.publish`).toBe(RCCallErrorCode.SUCCESS);
  }
}

/** The Janus room id in a call's journaled snapshot. */
export function janusRoomIdOf(snapshot: string | undefined): number {
  const parsed = JSON.parse(snapshot ?? '{}') as { sfuRoom?: { data: { roomId: number } } };
  if (!parsed.sfuRoom) throw new Error('the call journal holds no SFU room state');
  return parsed.sfuRoom.data.roomId;
}

/** Polls (bounded) `server`'s logs until they match `pattern`; resolves when seen. */
export async function logged(server: ServerProcess, pattern: RegExp, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.logs())) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}:\n${server.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now();
}

/** Polls (bounded) Janus until the VideoRoom holds exactly `expected` (sorted); `null`: until the room is gone. */
export async function janusRoomBecomes(janus: JanusServer, roomId: number, expected: string[] | null, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] | 'gone' = [];
  for (;;) {
    seen = await videoRoomParticipants(janus, roomId).catch(() => 'gone' as const);
    if (expected === null ? seen === 'gone' : JSON.stringify(seen) === JSON.stringify(expected)) return;
    if (Date.now() > deadline)
      throw new Error(`Janus room ${roomId}: ${JSON.stringify(seen)}, wanted ${JSON.stringify(expected ?? 'gone')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
