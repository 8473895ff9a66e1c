/**
 * Blacklists in calls, through the real server with headless clients (README "Blacklists in calls"):
 * blacklisting a caller while their call rings stops it at once on every device, and a user who
 * blacklisted A is never rung in a group call A is in, whoever invites them.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallSessionState } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { senderId, sessionOf, testUsers } from '../helpers/test-users.js';

let server: ServerProcess;
const users = testUsers(() => server);
const { user, group } = users;

async function blacklist(ownerId: string, blackUserId: string): Promise<void> {
  expect((await server.signedPost('/user/blacklist/add.json', { userId: ownerId, blackUserId })).body.code).toBe(200);
}

/** Waits `ms` and says whether `client` got an `onSession` for `callId` meanwhile. */
async function rangWithin(client: HeadlessClient, callId: string, ms: number): Promise<boolean> {
  return client
    .waitFor('onSession', (c) => c.sessionId === callId, ms)
    .then(
      () => true,
      () => false,
    );
}

beforeAll(async () => {
  // A long ring timeout: a ring that stops must have been stopped by the blacklist, not by the timer.
  server = await startServerProcess({ env: { OPENCALL_RING_TIMEOUT_MS: '30000' } });
});

afterAll(async () => {
  await users.disconnectAll();
  await server?.stop();
});

describe('blacklisting the caller while the call rings', () => {
  it('1:1: every device of the callee stops ringing with 103, the caller’s call ends with 103', async () => {
    const a = await user('ra');
    const b1 = await user('rb', 'phone');
    const b2 = await user('rb', 'laptop', b1.userId);
    const placed = await a.client.call({ targetId: b1.userId, listener: a.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    await Promise.all([sessionOf(b1, callId), sessionOf(b2, callId)]);

    const started = Date.now();
    await blacklist(b1.userId, a.userId);
    const [close1, close2, closeA] = await Promise.all([b1.waitForClose(callId), b2.waitForClose(callId), a.waitForClose(callId)]);
    const stoppedMs = Date.now() - started;
    expect(close1.summary.endReason).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect(close2.summary.endReason).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId)).args[1]).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect(closeA.summary.endReason).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect(placed.session!.getState()).toBe(RCCallSessionState.END);
    expect(stoppedMs).toBeLessThan(2000);
    console.log(`blacklist while ringing: every device stopped ${stoppedMs} ms after /user/blacklist/add.json`);

    // The record says who left why.
    const again = await a.client.call({ targetId: b1.userId, listener: a.listener() });
    expect(again.code).toBe(RCCallErrorCode.REJECTED_BY_BLACKLIST);
  });

  it('an answered call is not cut: the blacklist applies to ringing only', async () => {
    const [a, b] = [await user('ka'), await user('kb')];
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(b, callId)).accept();
    await a.waitFor('onAccept', (x) => x.sessionId === callId);
    await blacklist(b.userId, a.userId);
    await expect(b.waitForClose(callId, 500)).rejects.toThrow(/timed out/);
    expect(placed.session!.getState()).toBe(RCCallSessionState.KEEPING);
    await placed.session!.hungup();
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
  });

  it('blacklisting someone else leaves the ring alone', async () => {
    const [a, b, x] = [await user('na'), await user('nb'), await user('nx')];
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await sessionOf(b, callId);
    await blacklist(b.userId, x.userId);
    await blacklist(a.userId, b.userId); // the caller's own list does not stop its outgoing call
    await expect(b.waitForClose(callId, 500)).rejects.toThrow(/timed out/);
    await placed.session!.hungup();
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_CANCEL);
  });

  it('group: the blocking user stops ringing with 103 when a member of the call is blacklisted; the call goes on', async () => {
    const [a, b, c] = [await user('ga'), await user('gb'), await user('gc')];
    const groupId = await group([a, b, c]);
    const placed = await c.client.callInGroup({ targetId: groupId, userIds: [a.userId, b.userId], listener: c.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(a, callId)).accept();
    await sessionOf(b, callId);
    await blacklist(b.userId, a.userId);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect((await c.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    expect(placed.session!.getState()).not.toBe(RCCallSessionState.END);
    await placed.session!.hungup();
  });
});

describe('group calls with a blacklisted member', () => {
  it('A invites B, who blacklisted A: B is never rung and drops out with 103', async () => {
    const [a, b, c] = [await user('ia'), await user('ib'), await user('ic')];
    await blacklist(b.userId, a.userId);
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId, c.userId], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    await sessionOf(c, callId);
    expect(await rangWithin(b, callId, 500)).toBe(false);
    await placed.session!.hungup();
  });

  it('a third party C invites B into a call A is in: B is never rung and drops out with 103', async () => {
    const [a, b, c] = [await user('ta'), await user('tb'), await user('tc')];
    await blacklist(b.userId, a.userId);
    const groupId = await group([a, b, c]);
    const placed = await c.client.callInGroup({ targetId: groupId, userIds: [a.userId], listener: c.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(a, callId)).accept();
    await c.waitFor('onAccept', (x) => x.sessionId === callId);

    expect((await placed.session!.invite([b.userId])).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await c.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    expect(await rangWithin(b, callId, 500)).toBe(false);
    expect(placed.session!.getState()).toBe(RCCallSessionState.KEEPING);
    await placed.session!.hungup();
  });

  it('A is invited into a call that rings B, who blacklisted A: B’s ring stops with 103, A rings', async () => {
    const [a, b, c] = [await user('pa'), await user('pb'), await user('pc')];
    await blacklist(b.userId, a.userId);
    const groupId = await group([a, b, c]);
    const placed = await c.client.callInGroup({ targetId: groupId, userIds: [b.userId], listener: c.listener() });
    const callId = placed.session!.getSessionId();
    await sessionOf(b, callId);
    expect((await placed.session!.invite([a.userId])).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.ADDED_TO_BLACKLIST);
    expect((await c.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    await sessionOf(a, callId);
    await placed.session!.hungup();
  });

  it('C invites A and B together while B blacklisted A: B drops out with 103, A rings', async () => {
    const [a, b, c] = [await user('sa'), await user('sb'), await user('sc')];
    await blacklist(b.userId, a.userId);
    const groupId = await group([a, b, c]);
    const placed = await c.client.callInGroup({ targetId: groupId, userIds: [a.userId, b.userId], listener: c.listener() });
    const callId = placed.session!.getSessionId();
    expect((await c.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    await sessionOf(a, callId);
    expect(await rangWithin(b, callId, 500)).toBe(false);
    await placed.session!.hungup();
  });
});
