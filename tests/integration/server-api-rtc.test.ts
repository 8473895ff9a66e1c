/**
 * The RTC server API (`/rtc/*`, `/v2/rtc/*`) against the real server with headless SDK clients:
 * room query while a call runs, kick (23 on the kicked user, 33 on the others; they may call again),
 * bans from every room and from one room, room destruction, and bad input (nothing changed).
 */
import { RCCallEndReason, RCCallErrorCode, RCCallSessionState } from '@opencall/call';
import { ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessClient } from '../helpers/headless-client.js';
import { readReply, type ServerProcess, type SignedReply, signingHeaders, startServerProcess } from '../helpers/server-process.js';
import { senderId, sessionOf, testUsers } from '../helpers/test-users.js';

let server: ServerProcess;
const users = testUsers(() => server);
const { user, group } = users;

beforeAll(async () => {
  server = await startServerProcess({ env: { OPENCALL_RING_TIMEOUT_MS: '30000' } });
});

afterAll(async () => {
  await users.disconnectAll();
  await server?.stop();
});

/** A signed request with a raw body (JSON by default, whatever `contentType` says). */
async function signed(
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<SignedReply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(server.url + path, {
    method,
    headers: {
      ...signingHeaders(server.appKey, server.appSecret),
      ...(text === undefined ? {} : { 'Content-Type': contentType }),
      ...headers,
    },
    ...(text === undefined ? {} : { body: text }),
    signal: AbortSignal.timeout(10_000),
  });
  return readReply(response);
}

const queryRoom = (roomId: string) => signed('POST', '/rtc/room/query.json', { roomId });

/** Polls the room until `count` members are in it (bounded: 100 × 50 ms). */
async function awaitMembers(roomId: string, count: number): Promise<SignedReply['body']> {
  let last: SignedReply | undefined;
  for (let i = 0; i < 100; i++) {
    last = await queryRoom(roomId);
    if (last.body.code === 200 && last.body.members.length === count) return last.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`room ${roomId} never had ${count} members: ${JSON.stringify(last?.body)}`);
}

/** A 1:1 call from `a` to `b`, answered, with both in the media room. */
async function connectedCall(
  a: HeadlessClient,
  b: HeadlessClient,
): Promise<{ callId: string; rtcSessionIds: string[]; hangup: () => Promise<void> }> {
  const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
  expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
  const callId = placed.session!.getSessionId();
  const answered = await sessionOf(b, callId);
  expect((await answered.accept()).code).toBe(RCCallErrorCode.SUCCESS);
  await awaitMembers(callId, 2);
  return {
    callId,
    rtcSessionIds: [placed.session!.getRTCSessionId(), answered.getRTCSessionId()],
    hangup: async () => {
      await placed.session!.hungup();
      await b.waitForClose(callId);
    },
  };
}

/** Answers; the call may end before the answer's reply arrives (a banned user's join is refused at once): only the end is asserted. */
async function answer(client: HeadlessClient, callId: string): Promise<void> {
  await (await sessionOf(client, callId)).accept();
}

describe('/rtc/room/query.json', () => {
  it("lists the members of a running call with join times; sessionId is the SDK's getRTCSessionId()", async () => {
    const before = Date.now();
    const [a, b] = [await user('qa'), await user('qb')];
    const { callId, rtcSessionIds, hangup } = await connectedCall(a, b);
    const room = await queryRoom(callId);
    expect(room.status).toBe(200);
    expect(room.body).toMatchObject({ code: 200, roomId: callId });
    expect(rtcSessionIds).toEqual([room.body.sessionId, room.body.sessionId]);
    expect(room.body.sessionId).toBe(`${callId}_${room.body.createTime}`);
    expect(room.body.createTime).toBeGreaterThanOrEqual(before);
    expect(room.body.createTime).toBeLessThanOrEqual(Date.now());
    expect(room.body.members.map((m: { userId: string }) => m.userId).sort()).toEqual([a.userId, b.userId].sort());
    for (const member of room.body.members) {
      expect(member.joinTime).toBeGreaterThanOrEqual(before);
      expect(member.joinTime).toBeLessThanOrEqual(Date.now());
      expect(Array.isArray(member.data.uris)).toBe(true);
    }
    // The same answer from the Room-Id header, and from JSON declared as a form or as text.
    expect((await signed('POST', '/rtc/room/query.json', undefined, undefined, { 'Room-Id': callId })).body).toEqual(room.body);
    expect((await signed('POST', '/rtc/room/query.json', { roomId: callId }, 'application/x-www-form-urlencoded')).body).toEqual(room.body);
    expect((await signed('POST', '/rtc/room/query.json', { roomId: callId }, 'text/plain')).body).toEqual(room.body);
    await hangup();
    expect(await queryRoom(callId)).toMatchObject({ status: 200, body: { code: ServerApiCode.RTC_ROOM_NOT_FOUND } });
  });

  it('a ringing call has no room yet: 40003 with HTTP 200', async () => {
    const [a, b] = [await user('ra'), await user('rb')];
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await sessionOf(b, callId);
    expect(await queryRoom(callId)).toMatchObject({ status: 200, body: { code: ServerApiCode.RTC_ROOM_NOT_FOUND } });
    expect(await queryRoom('no-such-room')).toMatchObject({ status: 200, body: { code: ServerApiCode.RTC_ROOM_NOT_FOUND } });
    await placed.session!.hungup();
  });

  it.each([
    [{}, ServerApiCode.NO_POST_DATA],
    [{ roomId: 'bad room' }, ServerApiCode.PARAM_ERROR],
    [{ roomId: 7 }, ServerApiCode.PARAM_ERROR],
    ['{"roomId":', ServerApiCode.PARAM_ERROR],
  ])('bad body %j → 400 / %i', async (body, code) => {
    expect(await signed('POST', '/rtc/room/query.json', body)).toMatchObject({ status: 400, body: { code } });
  });
});

describe('/rtc/user/kick.json', () => {
  it('the kicked user ends with 23, the other with 33; the kicked user may call again', async () => {
    const [a, b] = [await user('ka'), await user('kb')];
    const { callId } = await connectedCall(a, b);
    expect(await signed('POST', '/rtc/user/kick.json', { userId: b.userId, roomId: callId })).toEqual({ status: 200, body: { code: 200 } });
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    const again = await b.client.call({ targetId: a.userId, listener: b.listener() });
    expect(again.code).toBe(RCCallErrorCode.SUCCESS);
    await again.session!.hungup();
  });

  it('group: only the kicked member leaves; the others see 33 and go on', async () => {
    const [a, b, c] = [await user('ga'), await user('gb'), await user('gc')];
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId, c.userId], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(b, callId)).accept();
    await (await sessionOf(c, callId)).accept();
    await awaitMembers(callId, 3);
    await signed('POST', '/rtc/user/kick.json', { userId: c.userId, roomId: callId });
    expect((await c.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    for (const other of [a, b]) {
      const hungup = await other.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === c.userId);
      expect(hungup.args[1]).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    }
    await awaitMembers(callId, 2);
    expect(placed.session!.getState()).toBe(RCCallSessionState.KEEPING);
    await placed.session!.hungup();
  });

  it.each([
    [{ roomId: 'x' }, 400, ServerApiCode.PARAM_ERROR],
    [{ userId: 'has space', roomId: 'x' }, 400, ServerApiCode.PARAM_ERROR],
    [{ userId: 'u1' }, 400, ServerApiCode.PARAM_ERROR],
    [{ userId: 'u1', roomId: 'no-such-room' }, 200, ServerApiCode.RTC_ROOM_NOT_FOUND],
  ])('bad body %j → %i / %i, the call goes on', async (body, status, code) => {
    const [a, b] = [await user('xa'), await user('xb')];
    const { callId, hangup } = await connectedCall(a, b);
    expect(await signed('POST', '/rtc/user/kick.json', body)).toMatchObject({ status, body: { code } });
    await awaitMembers(callId, 2);
    await hangup();
  });
});

describe('/rtc/user/block.json and /rtc/user/unblock.json', () => {
  it('kicked now (23 / 33), refused in every room until unblocked', async () => {
    const [a, b] = [await user('ba'), await user('bb')];
    const { callId } = await connectedCall(a, b);
    expect(await signed('POST', '/rtc/user/block.json', { userId: b.userId, minute: 10 })).toEqual({ status: 200, body: { code: 200 } });
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);

    // A new call: once answered, the banned caller's join is refused and they are kicked again.
    const banned = await b.client.call({ targetId: a.userId, listener: b.listener() });
    const bannedId = banned.session!.getSessionId();
    await answer(a, bannedId);
    expect((await b.waitForClose(bannedId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await a.waitForClose(bannedId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);

    expect(await signed('POST', '/rtc/user/unblock.json', { userId: b.userId })).toEqual({ status: 200, body: { code: 200 } });
    await (await connectedCall(b, a)).hangup();
  });

  it.each([
    ['/rtc/user/block.json', (userId: string) => ({ userId })],
    ['/rtc/user/block.json', (userId: string) => ({ userId, minute: 0 })],
    ['/rtc/user/block.json', (userId: string) => ({ userId, minute: 43_201 })],
    ['/rtc/user/block.json', (userId: string) => ({ userId, minute: 1.5 })],
    ['/rtc/user/block.json', (userId: string) => ({ userId: [userId], minute: 5 })],
    ['/rtc/user/block.json', () => ({ minute: 5 })],
    ['/rtc/user/unblock.json', (userId: string) => ({ userId: [userId, 'x'] })],
  ])('%s with a bad body → 400 / 1002, nobody banned', async (path, body) => {
    const [a, b] = [await user('na'), await user('blk')];
    expect(await signed('POST', path, body(b.userId))).toMatchObject({ status: 400, body: { code: ServerApiCode.PARAM_ERROR } });
    // Not banned: the call connects (a banned caller would be kicked at the join).
    await (await connectedCall(b, a)).hangup();
  });
});

describe('/v2/rtc/rooms/{room_id}', () => {
  it('DELETE ends the room for everyone with 23 and answers 10000', async () => {
    const [a, b] = [await user('da'), await user('db')];
    const { callId } = await connectedCall(a, b);
    expect(await signed('DELETE', `/v2/rtc/rooms/${callId}`, undefined)).toEqual({ status: 200, body: { code: ServerApiCode.REST_OK } });
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await queryRoom(callId)).body.code).toBe(ServerApiCode.RTC_ROOM_NOT_FOUND);
    expect(await signed('DELETE', `/v2/rtc/rooms/${callId}`, undefined)).toMatchObject({
      status: 200,
      body: { code: ServerApiCode.RTC_ROOM_NOT_FOUND },
    });
    expect(await signed('DELETE', '/v2/rtc/rooms/bad%20room', undefined)).toMatchObject({
      status: 400,
      body: { code: ServerApiCode.PARAM_ERROR },
    });
  });

  it('POST block-users kicks them (23) and refuses their join of that room; DELETE lifts it', async () => {
    const [a, b, c] = [await user('pa'), await user('pb'), await user('pc')];
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId, c.userId], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(b, callId)).accept();
    await awaitMembers(callId, 2);
    await sessionOf(c, callId);
    const ban = await signed('POST', `/v2/rtc/rooms/${callId}/block-users`, { user_ids: [b.userId], minute: 5 });
    expect(ban).toEqual({ status: 200, body: { code: ServerApiCode.REST_OK } });
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    // c is banned from this room before answering: the answer goes through, the join does not.
    await signed('POST', `/v2/rtc/rooms/${callId}/block-users`, { user_ids: [c.userId], minute: 5 }, 'application/x-www-form-urlencoded');
    await answer(c, callId);
    expect((await c.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);

    expect(await signed('DELETE', `/v2/rtc/rooms/${callId}/block-users`, { user_ids: [b.userId, c.userId] })).toEqual({
      status: 200,
      body: { code: ServerApiCode.REST_OK },
    });
  });

  it.each([
    ['POST', { user_ids: ['u1'] }],
    ['POST', { user_ids: ['u1'], minute: 0 }],
    ['POST', { user_ids: 'u1', minute: 5 }],
    ['POST', { user_ids: [], minute: 5 }],
    ['POST', { user_ids: ['bad id'], minute: 5 }],
    ['DELETE', { user_ids: 'u1' }],
    ['DELETE', {}],
  ])('%s block-users %j → 400 and nothing stored', async (method, body) => {
    const reply = await signed(method, '/v2/rtc/rooms/some-room/block-users', body);
    expect(reply.status).toBe(400);
    expect([ServerApiCode.PARAM_ERROR, ServerApiCode.NO_POST_DATA]).toContain(reply.body.code);
  });
});
