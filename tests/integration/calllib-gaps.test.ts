/**
 * The last CallLib behaviour gaps (issue 12, item 4), through the real server with headless clients:
 * argument errors reject like CallLib's async methods, getUserState's NONE, the server-assigned RTC
 * session id, invitedUsers with profiles, CallLib-only failure codes, setPushConfig's hang-up and
 * per-vendor push fields, a throwing onSession, and one merged onRTCStateReport per session.
 */
import {
  type IRCRTCStateReport,
  RCCallEndReason,
  RCCallErrorCode,
  RCCallMediaType,
  type RCCallSession,
  RCCallSessionState,
  RCCallUserState,
} from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadless, type HeadlessClient, type HeadlessOptions } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type PushSink, senderId, sessionOf, startPushSink, testUsers } from '../helpers/test-users.js';

let server: ServerProcess;
let pushSink: PushSink;
const users = testUsers(() => server);
const { user, group, nextId } = users;
const extraClients: HeadlessClient[] = [];

beforeAll(async () => {
  pushSink = await startPushSink();
  server = await startServerProcess({
    // debug: the server logs when it saw a device go (awaited below instead of sleeping)
    env: { OPENCALL_RING_TIMEOUT_MS: '2000', OPENCALL_PUSH_WEBHOOK_URL: pushSink.url, LOG_LEVEL: 'debug' },
  });
});

afterAll(async () => {
  await users.disconnectAll();
  await Promise.all(extraClients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  pushSink?.close();
});

/** A user connected with headless options of its own. */
async function special(prefix: string, options: HeadlessOptions): Promise<HeadlessClient> {
  const userId = nextId(prefix);
  const client = await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId), `${userId}-dev1`, options);
  extraClients.push(client);
  return client;
}

/** The notices for `userId` once `count` arrived (bounded wait). */
async function pushesFor(userId: string, count: number): Promise<Record<string, unknown>[]> {
  const mine = () => pushSink.pushes.filter((p) => p.userId === userId);
  const deadline = Date.now() + 5000;
  while (mine().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return mine();
}

/** Resolves once a server log line has both parts (bounded: 5 s). */
async function serverSaw(part: string, message: string): Promise<void> {
  const seen = () =>
    server
      .logs()
      .split('\n')
      .some((line) => line.includes(part) && line.includes(message));
  const deadline = Date.now() + 5000;
  while (!seen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(seen()).toBe(true);
}

const isLocal = (x: { args: unknown[] }) => (x.args[0] as { isLocalTrack(): boolean }).isLocalTrack();

describe('arguments and getters', () => {
  it('call() / callInGroup(): no params object throws at once, bad fields reject the promise (as CallLib’s bundle)', async () => {
    const a = await user('pa');
    expect(() => a.client.call(undefined as never)).toThrow(TypeError);
    expect(() => a.client.callInGroup(null as never)).toThrow(TypeError);
    const bad: unknown[] = ['text', { targetId: '', listener: a.listener() }, { targetId: 'x', mediaType: 3, listener: a.listener() }];
    for (const params of bad) {
      let returned: unknown;
      expect(() => {
        returned = a.client.call(params as never);
      }).not.toThrow();
      expect(returned).toBeInstanceOf(Promise);
      await expect(returned).rejects.toThrow(/RCCallClient call/);
    }
    let group: unknown;
    expect(() => {
      group = a.client.callInGroup({ targetId: 'g', userIds: [], listener: a.listener() });
    }).not.toThrow();
    await expect(group).rejects.toThrow(/userIds/);
  });

  it('getUserState is RCCallUserState.NONE (0) for users not in the call and those who left', async () => {
    const [a, b] = [await user('ua'), await user('ub')];
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const session = placed.session!;
    expect(session.getUserState('nobody')).toBe(RCCallUserState.NONE);
    expect(session.getUserState('nobody')).toBe(0);
    expect(session.getUserState(b.userId)).toBe(RCCallUserState.WAITING);
    expect(() => session.getUserState('')).toThrow();
    const sb = await sessionOf(b, session.getSessionId());
    await sb.accept();
    await a.waitFor('onAccept');
    await sb.hungup();
    await a.waitForClose(session.getSessionId());
    expect(session.getUserState(b.userId)).toBe(RCCallUserState.NONE);
  });

  it('getRTCSessionId: assigned by the server once connected, the same for every participant', async () => {
    const [a, b, c] = [await user('ra'), await user('rb'), await user('rc')];
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId, c.userId], listener: a.listener() });
    const sa = placed.session!;
    const callId = sa.getSessionId();
    expect(() => sa.getRTCSessionId()).toThrow(/not connected/);
    const sb = await sessionOf(b, callId);
    const sc = await sessionOf(c, callId);
    await sb.accept();
    await a.waitFor('onAccept', (x) => senderId(x) === b.userId);
    await sc.accept();
    await b.waitFor('onAccept', (x) => senderId(x) === c.userId);
    const id = sa.getRTCSessionId();
    expect(id.startsWith(`${callId}_`)).toBe(true);
    expect(Number(id.slice(callId.length + 1))).toBeGreaterThan(0);
    expect(sb.getRTCSessionId()).toBe(id);
    expect(sc.getRTCSessionId()).toBe(id);
    await Promise.all([sa.hungup(), sb.hungup(), sc.hungup()]);
  });

  it('onMemberModify hands invitedUsers with the invitee’s profile (the server’s user record), not only ids', async () => {
    const [a, b] = [await user('ma'), await user('mb')];
    const dId = nextId('md');
    const reply = await server.signedPost('/user/getToken.json', { userId: dId, name: 'Dora', portraitUri: 'https://img/d.png' });
    expect(reply.body.code).toBe(200);
    const d = await connectHeadless(server.url, server.appKey, dId, String(reply.body.token));
    extraClients.push(d);
    const groupId = await group([a, b, d]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    const sb = await sessionOf(b, callId);
    await sb.accept();
    await a.waitFor('onAccept');
    expect((await sb.invite([dId])).code).toBe(RCCallErrorCode.SUCCESS);
    const modify = await a.waitFor('onMemberModify', (x) => x.sessionId === callId);
    expect(senderId(modify)).toBe(b.userId);
    expect(modify.args[1]).toEqual([{ userId: dId, name: 'Dora', portraitUri: 'https://img/d.png' }]);
    expect(placed.session!.getRemoteUsers().find((u) => u.userId === dId)).toMatchObject({ name: 'Dora', state: RCCallUserState.WAITING });
    await placed.session!.hungup();
    await sb.hungup();
  });
});

describe('failure codes', () => {
  it('a signal the server cannot take gives SEND_MSG_ERROR (53201) from call, callInGroup and invite — never an IM code', async () => {
    const [a, b, c] = [await user('ea'), await user('eb'), await user('ec')];
    const tooLong = 'x'.repeat(2000); // the protocol's ShortText is at most 1024: the server answers 36004
    expect((await a.client.call({ targetId: b.userId, extra: tooLong, listener: a.listener() })).code).toBe(RCCallErrorCode.SEND_MSG_ERROR);
    const groupId = await group([a, b, c]);
    const grouped = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId], extra: tooLong, listener: a.listener() });
    expect(grouped).toEqual({ code: RCCallErrorCode.SEND_MSG_ERROR });
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId], listener: a.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    expect((await placed.session!.invite([c.userId], { extra: tooLong })).code).toBe(RCCallErrorCode.SEND_MSG_ERROR);
    await placed.session!.hungup();
  });
});

describe('push config', () => {
  const vendor = {
    templateId: 'tpl-1',
    iOSConfig: { threadId: 'calls', apnsCollapseId: 'c1' },
    androidConfig: { channelIdHW: 'hw-calls', categoryHW: 'VOIP', importanceHW: 'NORMAL' as const, typeVivo: '1' },
  };

  it('the caller’s hang-up config names its no-answer push; per-vendor fields of both configs reach the provider', async () => {
    const a = await user('na');
    const offline = nextId('nb');
    await server.getToken(offline);
    a.client.setPushConfig(
      { pushTitle: 'Call from A', pushContent: 'pick up', ...vendor },
      { pushTitle: 'Missed call', pushContent: 'A gave up', androidConfig: { channelIdMi: 'mi-missed' } },
    );
    const placed = await a.client.call({ targetId: offline, listener: a.listener() });
    await a.waitForClose(placed.session!.getSessionId(), 6000); // the ring times out (2 s)
    const [call, hangup] = await pushesFor(offline, 2);
    expect(call).toMatchObject({ kind: 'call', title: 'Call from A', content: 'pick up', pushConfig: vendor });
    expect(hangup).toMatchObject({
      kind: 'hangup',
      title: 'Missed call',
      content: 'A gave up',
      data: { reason: RCCallEndReason.NO_RESPONSE },
      pushConfig: { androidConfig: { channelIdMi: 'mi-missed' } },
    });
  });

  it('the callee’s hang-up config names the push its rejection sends to a caller with no device online', async () => {
    const [a, b] = [await user('ca'), await user('cb')];
    b.client.setPushConfig({}, { pushTitle: 'B declined', pushContent: 'try later', iOSConfig: { category: 'declined' } });
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const sb = await sessionOf(b, placed.session!.getSessionId());
    await a.disconnect(); // within the reconnect grace the call goes on, with no device of A online
    await serverSaw(`"userId":"${a.userId}"`, 'device disconnected');
    await sb.hungup();
    const [hangup] = await pushesFor(a.userId, 1);
    expect(hangup).toMatchObject({
      kind: 'hangup',
      title: 'B declined',
      content: 'try later',
      sender: { userId: b.userId },
      data: { reason: RCCallEndReason.REJECT },
      pushConfig: { iOSConfig: { category: 'declined' } },
    });
  });

  it('setPushConfig throws on a bad vendor field', async () => {
    const a = await user('va');
    expect(() => a.client.setPushConfig({ androidConfig: { importanceHW: 'LOUD' } } as never, {})).toThrow(/importanceHW/);
    expect(() => a.client.setPushConfig({}, { pushTitle: 5 } as never)).toThrow(/pushTitle/);
  });
});

describe('sessions', () => {
  it('an onSession that throws leaves no live session behind: it ends on that device, the next call goes through', async () => {
    let throwNext = true;
    const b = await special('tb', {
      beforeOnSession: () => {
        if (throwNext) {
          throwNext = false;
          throw new Error('app bug in onSession');
        }
      },
    });
    const a = await user('ta');
    const first = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const closed = await b.waitForClose(first.session!.getSessionId());
    expect(closed.session.getState()).toBe(RCCallSessionState.END);
    await first.session!.hungup();
    const c = await user('tc');
    const second = await b.client.call({ targetId: c.userId, listener: b.listener() });
    expect(second.code).toBe(RCCallErrorCode.SUCCESS);
    await second.session!.hungup();
  });

  it('an onSession that throws after registering its listener: logged, and the session goes on (as CallLib)', async () => {
    const b = await special('tl', {
      afterOnSession: () => {
        throw new Error('app bug after registering');
      },
    });
    const a = await user('tk');
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    const sb = await sessionOf(b, callId);
    expect(sb.getState()).toBe(RCCallSessionState.WAITING);
    expect((await sb.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await a.waitFor('onAccept', (x) => x.sessionId === callId);
    await placed.session!.hungup();
    await b.waitForClose(callId);
  });

  it('onRTCStateReport: one report per session per interval, merging every media connection of a mesh', async () => {
    const options: HeadlessOptions = { rtcOptions: { statsReportInterval: 300 }, recordStateReports: true };
    const a = await special('sa', options);
    const [b, c] = [await user('sb'), await user('sc')];
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({
      targetId: groupId,
      userIds: [b.userId, c.userId],
      mediaType: RCCallMediaType.AUDIO_VIDEO,
      listener: a.listener(),
    });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(b, callId)).accept();
    await (await sessionOf(c, callId)).accept();
    for (const other of [b, c])
      await a.waitFor('onTrackReady', (x) => !isLocal(x) && (x.args[0] as { getUserId(): string }).getUserId() === other.userId);
    const merged = await a.waitFor(
      'onRTCStateReport',
      (x) => (x.args[0] as IRCRTCStateReport).receivers.length === 4, // audio + video from each of b and c
      5000,
    );
    const report = merged.args[0] as IRCRTCStateReport;
    expect(merged.args[1]).toBe(placed.session as RCCallSession);
    expect(report.pcName?.split(',').sort()).toEqual([b.userId, c.userId].sort());
    expect(new Set(report.receivers.map((r) => r.trackId)).size).toBe(4);
    // One report per interval, not one per connection.
    const start = a.callbacks.indexOf(merged);
    await new Promise((r) => setTimeout(r, 1000));
    const later = a.callbacks.slice(start + 1).filter((x) => x.name === 'onRTCStateReport');
    expect(later.length).toBeGreaterThanOrEqual(2);
    expect(later.length).toBeLessThanOrEqual(5);
    await placed.session!.hungup();
  });
});
