/**
 * 1:1 call flows through the real server process, with headless CallLib clients (real IMLib over
 * real WebSockets, fake media transport): callbacks, reasons and summaries on both sides, and the
 * stored call record.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType, type RCCallSession, RCCallSessionState } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { waitForCallRecord } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
const clients: HeadlessClient[] = [];
let counter = 0;

async function user(prefix: string, deviceSuffix = 'dev1', userId = `${prefix}${++counter}`): Promise<HeadlessClient> {
  const token = await server.getToken(userId);
  const client = await connectHeadless(server.url, server.appKey, userId, token, `${userId}-${deviceSuffix}`);
  clients.push(client);
  return client;
}

async function dial(
  caller: HeadlessClient,
  callee: HeadlessClient,
  mediaType = RCCallMediaType.AUDIO_VIDEO,
): Promise<{ callerSession: RCCallSession; calleeSession: RCCallSession }> {
  const result = await caller.client.call({ targetId: callee.userId, mediaType, listener: caller.listener() });
  expect(result.code).toBe(RCCallErrorCode.SUCCESS);
  const callerSession = result.session!;
  await callee.waitFor('onSession', (c) => c.sessionId === callerSession.getSessionId());
  const calleeSession = callee.sessions.find((s) => s.getSessionId() === callerSession.getSessionId())!;
  return { callerSession, calleeSession };
}

/** A calls B, who has two devices; both ring. The session of B's first device answers or rejects. */
async function ringTwoDevices() {
  const a = await user('alice');
  const b1 = await user('bob', 'phone');
  const b2 = await user('bob', 'laptop', b1.userId);
  const { callerSession, calleeSession } = await dial(a, b1);
  const callId = callerSession.getSessionId();
  await b2.waitFor('onSession', (c) => c.sessionId === callId);
  return { a, b1, b2, callerSession, calleeSession, callId };
}

async function storedRecord(callId: string) {
  const storage = await openSqliteStorage(`${server.dataDir}/opencall.sqlite`);
  try {
    return await waitForCallRecord(storage, server.appKey, callId);
  } finally {
    await storage.close();
  }
}

beforeAll(async () => {
  server = await startServerProcess({ env: { OPENCALL_RING_TIMEOUT_MS: '1500' } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
});

describe('1:1 call through the real server', () => {
  it('connects, rings, answers, exchanges tracks and hangs up with reasons on both sides', async () => {
    const a = await user('alice');
    const b = await user('bob');
    const { callerSession, calleeSession } = await dial(a, b);
    const callId = callerSession.getSessionId();
    expect(calleeSession.getCallerId()).toBe(a.userId);
    expect(calleeSession.getTargetId()).toBe(a.userId);
    expect(calleeSession.getMediaType()).toBe(RCCallMediaType.AUDIO_VIDEO);
    expect(calleeSession.getState()).toBe(RCCallSessionState.WAITING);
    await a.waitFor('onRinging', (c) => (c.args[0] as { userId: string }).userId === b.userId);

    expect((await calleeSession.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await a.waitFor('onAccept', (c) => (c.args[0] as { userId: string }).userId === b.userId);
    expect(callerSession.getState()).toBe(RCCallSessionState.KEEPING);
    expect(calleeSession.getState()).toBe(RCCallSessionState.KEEPING);
    // Local tracks were reported first, then the remote ones once media flows.
    const remoteOf = (c: HeadlessClient) =>
      c.callbacks.filter((x) => x.name === 'onTrackReady' && !(x.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    await a.waitFor('onTrackReady', (c) => !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    await b.waitFor('onTrackReady', (c) => !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    const firstRemoteA = a.callbacks.indexOf(remoteOf(a)[0]!);
    const lastLocalA = a.callbacks
      .map((c) => c.name === 'onTrackReady' && (c.args[0] as { isLocalTrack(): boolean }).isLocalTrack())
      .lastIndexOf(true);
    expect(lastLocalA).toBeLessThan(firstRemoteA);

    await new Promise((r) => setTimeout(r, 30));
    expect((await callerSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    const hungup = await b.waitFor('onHungup', (c) => c.sessionId === callId);
    expect(hungup.args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    const aClose = await a.waitForClose(callId);
    const bClose = await b.waitForClose(callId);
    expect(aClose.summary.endReason).toBe(RCCallEndReason.HANGUP);
    expect(bClose.summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(aClose.summary.duration).toBeGreaterThan(0);
    expect(bClose.summary.beginTimestamp).toBeGreaterThan(0);

    const record = await storedRecord(callId);
    expect(record.callerId).toBe(a.userId);
    expect(record.beginAt).toBeGreaterThan(0);
    expect(record.durationMs).toBeGreaterThan(0);
    const reasons = Object.fromEntries(record.participants.map((p) => [p.userId, p.endReason]));
    expect(reasons).toEqual({ [a.userId]: RCCallEndReason.HANGUP, [b.userId]: RCCallEndReason.REMOTE_HANGUP });
  });

  it('reject: caller sees REMOTE_REJECT, callee REJECT', async () => {
    const a = await user('alice');
    const b = await user('bob');
    const { callerSession, calleeSession } = await dial(a, b, RCCallMediaType.AUDIO);
    const callId = callerSession.getSessionId();
    expect((await calleeSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await a.waitFor('onHungup', (c) => c.sessionId === callId)).args[1]).toBe(RCCallEndReason.REMOTE_REJECT);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_REJECT);
    expect((await b.waitForClose(callId)).summary).toMatchObject({ endReason: RCCallEndReason.REJECT, duration: 0, beginTimestamp: 0 });
    const record = await storedRecord(callId);
    expect(record.beginAt).toBe(0);
    expect(record.endReason).toBe(RCCallEndReason.REMOTE_REJECT);
  });

  it('cancel: callee sees REMOTE_CANCEL, caller CANCEL', async () => {
    const a = await user('alice');
    const b = await user('bob');
    const { callerSession } = await dial(a, b);
    const callId = callerSession.getSessionId();
    await callerSession.hungup();
    expect((await b.waitFor('onHungup', (c) => c.sessionId === callId)).args[1]).toBe(RCCallEndReason.REMOTE_CANCEL);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_CANCEL);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.CANCEL);
  });

  it('busy: a callee in another call is reported busy on both sides, its own call continues', async () => {
    const a = await user('alice');
    const b = await user('bob');
    const c = await user('carol');
    const first = await dial(c, b);
    await first.calleeSession.accept();
    await c.waitFor('onAccept');
    const result = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    expect(result.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = result.session!.getSessionId();
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId)).args[1]).toBe(RCCallEndReason.REMOTE_BUSY_LINE);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_BUSY_LINE);
    await b.waitFor('onSession', (x) => x.sessionId === callId);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.BUSY_LINE);
    expect(first.calleeSession.getState()).toBe(RCCallSessionState.KEEPING);
    expect(first.callerSession.getState()).toBe(RCCallSessionState.KEEPING);
    await first.callerSession.hungup();
  });

  it('no answer: the server times the ring out (REMOTE_NO_RESPONSE / NO_RESPONSE)', async () => {
    const a = await user('alice');
    const b = await user('bob');
    const { callerSession } = await dial(a, b);
    const callId = callerSession.getSessionId();
    expect((await a.waitFor('onHungup', (c) => c.sessionId === callId, 6000)).args[1]).toBe(RCCallEndReason.REMOTE_NO_RESPONSE);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_NO_RESPONSE);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.NO_RESPONSE);
  });

  it('multi-device: every device rings; the one that answers wins, the others close with ACCEPT_BY_OTHER_CLIENT', async () => {
    const { a, b1, b2, callerSession, calleeSession, callId } = await ringTwoDevices();
    await calleeSession.accept();
    expect((await b2.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.ACCEPT_BY_OTHER_CLIENT);
    await a.waitFor('onAccept', (c) => c.sessionId === callId);
    await callerSession.hungup();
    await b1.waitForClose(callId);
  });

  it('multi-device: a rejection on one device closes the others with HANGUP_BY_OTHER_CLIENT', async () => {
    const { a, b2, calleeSession, callId } = await ringTwoDevices();
    await calleeSession.hungup();
    expect((await b2.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.HANGUP_BY_OTHER_CLIENT);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_REJECT);
  });

  it('refuses calling yourself and a second call while one is live', async () => {
    const a = await user('alice');
    const b = await user('bob');
    expect((await a.client.call({ targetId: a.userId, listener: a.listener() })).code).toBe(RCCallErrorCode.PARAM_ERROR);
    const { callerSession } = await dial(a, b);
    expect((await a.client.call({ targetId: b.userId, listener: a.listener() })).code).toBe(RCCallErrorCode.STATE_MACHINE_EXIT);
    await callerSession.hungup();
  });
});

describe('glare', () => {
  it('A dials B while B dials A: exactly one call survives and connects on both sides', async () => {
    const a = await user('glareA');
    const b = await user('glareB');
    const [ra, rb] = await Promise.all([
      a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() }),
      b.client.call({ targetId: a.userId, mediaType: RCCallMediaType.AUDIO, listener: b.listener() }),
    ]);
    expect(ra.code).toBe(RCCallErrorCode.SUCCESS);
    expect(rb.code).toBe(RCCallErrorCode.SUCCESS);
    expect(ra.session!.getSessionId()).toBe(rb.session!.getSessionId());
    const callId = ra.session!.getSessionId();
    const caller = ra.session!.getCallerId() === a.userId ? a : b;
    await caller.waitFor('onAccept', (c) => c.sessionId === callId);
    for (const s of [ra.session!, rb.session!]) expect(s.getState()).toBe(RCCallSessionState.KEEPING);
    // Neither side saw a second call or an incoming ring for the merged one.
    expect(a.closes).toHaveLength(0);
    expect(b.closes).toHaveLength(0);
    await ra.session!.hungup();
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
  });
});
