/**
 * The server API in cluster mode (two real nodes, one Postgres, the machine's Redis): a request
 * answered by a node that neither holds the user's device nor runs the call still sees and acts on
 * them — online status from the presence replica, the room from the call journal, kicks, bans and
 * room destruction through the node bus.
 */
import { RCCallEndReason, RCCallErrorCode } from '@opencall/call';
import { ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { readReply, type SignedReply, signingHeaders } from '../helpers/server-process.js';

let cluster: TestCluster;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(['node-a', 'node-b']);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await cluster?.stop();
});

/** A device connected to node A only (so node B holds nothing of it). */
async function deviceOnA(userId: string): Promise<HeadlessClient> {
  const a = cluster.node('node-a');
  const client = await connectHeadless(a.url, a.appKey, userId, await a.getToken(userId));
  clients.push(client);
  return client;
}

const onB = (path: string, form: Record<string, string | string[]>) => cluster.node('node-b').signedPost(path, form);

/** Polls node B until `done` holds (bounded: 100 × 100 ms). */
async function untilOnB(path: string, form: Record<string, string>, done: (reply: SignedReply) => boolean): Promise<SignedReply> {
  let last: SignedReply | undefined;
  for (let i = 0; i < 100; i++) {
    last = await onB(path, form);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} on node B never matched: ${JSON.stringify(last?.body)}`);
}

/** A 1:1 call run by node A, with both devices in its media room as node B reads it. */
async function callOnA(prefix: string): Promise<{ caller: HeadlessClient; callee: HeadlessClient; callId: string }> {
  const [caller, callee] = [await deviceOnA(`${prefix}-a`), await deviceOnA(`${prefix}-b`)];
  const { callId } = await placeAnsweredCall(caller, callee);
  await untilOnB('/rtc/room/query.json', { roomId: callId }, (r) => r.body.code === 200 && r.body.members.length === 2);
  return { caller, callee, callId };
}

describe('cluster: the server API on a node that holds neither the devices nor the call', () => {
  it('checkOnline sees a device connected to the other node', async () => {
    expect((await onB('/user/checkOnline.json', { userId: 'co-user' })).body).toEqual({ code: 200, status: '0' });
    await deviceOnA('co-user');
    await untilOnB('/user/checkOnline.json', { userId: 'co-user' }, (r) => r.body.status === '1');
  });

  it('room query reads the journal; kick goes to the owner: 23 on the kicked user, 33 on the other', async () => {
    const { caller, callee, callId } = await callOnA('ck');
    const room = await onB('/rtc/room/query.json', { roomId: callId });
    expect(room.body).toMatchObject({ code: 200, roomId: callId });
    expect(room.body.sessionId).toBe(`${callId}_${room.body.createTime}`);
    expect(room.body.members.map((m: { userId: string }) => m.userId).sort()).toEqual([caller.userId, callee.userId].sort());
    expect(await onB('/rtc/user/kick.json', { userId: callee.userId, roomId: callId })).toEqual({ status: 200, body: { code: 200 } });
    expect((await callee.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await caller.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    await untilOnB('/rtc/room/query.json', { roomId: callId }, (r) => r.body.code === ServerApiCode.RTC_ROOM_NOT_FOUND);
  });

  it('a ban from every room made on node B kicks a call node A runs', async () => {
    const { caller, callee, callId } = await callOnA('cb');
    expect((await onB('/rtc/user/block.json', { userId: caller.userId, minute: '5' })).body).toEqual({ code: 200 });
    expect((await caller.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await callee.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    expect((await onB('/rtc/user/unblock.json', { userId: caller.userId })).body).toEqual({ code: 200 });
  });

  it('a blacklist change on node B reaches node A’s cached reads at once (refused, then allowed again)', async () => {
    const [caller, callee] = [await deviceOnA('cx-a'), await deviceOnA('cx-b')];
    // A first call: node A has read (and cached) "the callee has not blacklisted the caller".
    const { callerSession } = await placeAnsweredCall(caller, callee);
    await callerSession.hungup();
    expect((await onB('/user/blacklist/add.json', { userId: callee.userId, blackUserId: caller.userId })).body.code).toBe(200);
    let placed = await caller.client.call({ targetId: callee.userId, listener: caller.listener() });
    // The bus message may trail the HTTP answer by a moment: bounded retries (20 × 50 ms).
    for (let i = 0; i < 20 && placed.code === RCCallErrorCode.SUCCESS; i++) {
      await placed.session?.hungup();
      await new Promise((r) => setTimeout(r, 50));
      placed = await caller.client.call({ targetId: callee.userId, listener: caller.listener() });
    }
    expect(placed.code).toBe(RCCallErrorCode.REJECTED_BY_BLACKLIST);
    expect((await onB('/user/blacklist/remove.json', { userId: callee.userId, blackUserId: caller.userId })).body.code).toBe(200);
    for (let i = 0; i < 20 && placed.code !== RCCallErrorCode.SUCCESS; i++) {
      await new Promise((r) => setTimeout(r, 50));
      placed = await caller.client.call({ targetId: callee.userId, listener: caller.listener() });
    }
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    await placed.session?.hungup();
  });

  it('DELETE /v2/rtc/rooms/{id} on node B ends the call node A runs (23 for everyone)', async () => {
    const { caller, callee, callId } = await callOnA('cd');
    const b = cluster.node('node-b');
    const reply = await readReply(
      await fetch(`${b.url}/v2/rtc/rooms/${callId}`, {
        method: 'DELETE',
        headers: signingHeaders(b.appKey, b.appSecret),
        signal: AbortSignal.timeout(10_000),
      }),
    );
    expect(reply).toEqual({ status: 200, body: { code: ServerApiCode.REST_OK } });
    expect((await caller.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
    expect((await callee.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
  });
});
