/**
 * The wider CallLib surface through the real server with headless clients: group calls and
 * mid-call invites, downgrade, multi-device and server-imposed end reasons, blacklist, service
 * switch, offline records, push notices and joined-room info.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType, RCCallSessionState, RCCallUserState } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadless } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type PushSink, senderId, sessionOf, startPushSink, testUsers } from '../helpers/test-users.js';

let server: ServerProcess;
let pushSink: PushSink;
const users = testUsers(() => server);
const { user, group, nextId } = users;
const pushes = (): Record<string, unknown>[] => pushSink.pushes;

beforeAll(async () => {
  pushSink = await startPushSink();
  server = await startServerProcess({ env: { OPENCALL_RING_TIMEOUT_MS: '2000', OPENCALL_PUSH_WEBHOOK_URL: pushSink.url } });
});

afterAll(async () => {
  await users.disconnectAll();
  await server?.stop();
  pushSink?.close();
});

describe('group calls', () => {
  it('callInGroup + mid-call invite: members get onMemberModify, the invitee onSession, everyone gets everyone’s tracks', async () => {
    const [a, b, c, d] = [await user('ga'), await user('gb'), await user('gc'), await user('gd')];
    const groupId = await group([a, b, c, d]);
    const placed = await a.client.callInGroup({
      targetId: groupId,
      userIds: [b.userId, c.userId],
      mediaType: RCCallMediaType.AUDIO_VIDEO,
      listener: a.listener(),
    });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    const sb = await sessionOf(b, callId);
    const sc = await sessionOf(c, callId);
    expect(sb.getConversationType()).toBe(3);
    expect(sb.getTargetId()).toBe(groupId);
    await sb.accept();
    await sc.accept();
    await a.waitFor('onAccept', (x) => senderId(x) === c.userId);

    expect((await sb.invite([d.userId, c.userId])).code).toBe(RCCallErrorCode.SUCCESS);
    const modify = await a.waitFor('onMemberModify', (x) => x.sessionId === callId);
    expect(senderId(modify)).toBe(b.userId);
    // The invitee's profile comes from the server's user record (the test helper names users after their id).
    expect(modify.args[1]).toEqual([{ userId: d.userId, name: d.userId }]);
    await c.waitFor('onMemberModify', (x) => x.sessionId === callId);
    expect(placed.session!.getUserState(d.userId)).toBe(RCCallUserState.WAITING);
    const sd = await sessionOf(d, callId);
    expect(sd.getCallerId()).toBe(a.userId);
    await sd.accept();
    for (const member of [a, b, c, d]) {
      const others = [a, b, c, d].filter((m) => m !== member);
      for (const other of others) {
        await member.waitFor('onTrackReady', (x) => {
          const track = x.args[0] as { isLocalTrack(): boolean; getUserId(): string; isVideoTrack(): boolean };
          return !track.isLocalTrack() && track.getUserId() === other.userId && track.isVideoTrack();
        });
      }
    }
    await sd.hungup();
    expect((await a.waitFor('onHungup', (x) => senderId(x) === d.userId)).args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(placed.session!.getState()).toBe(RCCallSessionState.KEEPING);
    await sb.hungup();
    await sc.hungup();
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
  });

  it('refuses outsiders (NOT_IN_GROUP), invites on a 1:1 call (53311) and yourself (PARAM_ERROR)', async () => {
    const [a, b, x] = [await user('na'), await user('nb'), await user('nx')];
    const groupId = await group([a, b]);
    expect((await a.client.callInGroup({ targetId: groupId, userIds: [x.userId], listener: a.listener() })).code).toBe(
      RCCallErrorCode.NOT_IN_GROUP,
    );
    expect((await x.client.callInGroup({ targetId: groupId, userIds: [a.userId], listener: x.listener() })).code).toBe(
      RCCallErrorCode.NOT_IN_GROUP,
    );
    expect((await a.client.callInGroup({ targetId: groupId, userIds: [a.userId, b.userId], listener: a.listener() })).code).toBe(
      RCCallErrorCode.PARAM_ERROR,
    );
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    expect((await placed.session!.invite([x.userId])).code).toBe(RCCallErrorCode.CONVERSATION_NOT_GROUP_ERROR);
    await expect(placed.session!.invite([])).rejects.toThrow(/userIds/);
    await placed.session!.hungup();
  });
});

describe('media', () => {
  it('descendAbility: the other side gets onMediaModify(AUDIO) and both become audio-only', async () => {
    const [a, b] = [await user('da'), await user('db')];
    const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    const sb = await sessionOf(b, callId);
    await sb.accept();
    await a.waitFor('onAccept');
    expect((await placed.session!.descendAbility()).code).toBe(RCCallErrorCode.SUCCESS);
    const modify = await b.waitFor('onMediaModify', (x) => x.sessionId === callId);
    expect(modify.args[1]).toBe(RCCallMediaType.AUDIO);
    expect(sb.getMediaType()).toBe(RCCallMediaType.AUDIO);
    expect(placed.session!.getMediaType()).toBe(RCCallMediaType.AUDIO);
    await placed.session!.hungup();
    expect((await b.waitForClose(callId)).summary.mediaType).toBe(RCCallMediaType.AUDIO);
  });

  it('audio and video mute reach the other side as onAudioMuteChange / onVideoMuteChange', async () => {
    const [a, b] = [await user('ma'), await user('mb')];
    const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    const sb = await sessionOf(b, callId);
    await sb.accept();
    await a.waitFor('onTrackReady', (x) => !(x.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    await b.waitFor('onTrackReady', (x) => !(x.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    expect((await placed.session!.disableAudioTrack()).code).toBe(RCCallErrorCode.SUCCESS);
    const audio = await b.waitFor('onAudioMuteChange', (x) => (x.args[0] as { muted: boolean }).muted);
    expect(audio.args[0]).toMatchObject({ userId: a.userId, kind: 'audio', muted: true });
    expect((await placed.session!.disableVideoTrack()).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await b.waitFor('onVideoMuteChange', (x) => (x.args[0] as { muted: boolean }).muted)).args[0]).toMatchObject({
      userId: a.userId,
      kind: 'video',
    });
    expect((await placed.session!.enableVideoTrack()).code).toBe(RCCallErrorCode.SUCCESS);
    await placed.session!.hungup();
  });
});

describe('multi-device and server-imposed reasons', () => {
  it('22/32: inviting a user whose other device is in a call', async () => {
    const [a, b1, c] = [await user('oa'), await user('ob', 'phone'), await user('oc')];
    const b2 = await user('ob', 'laptop', b1.userId);
    const first = await c.client.call({ targetId: b1.userId, listener: c.listener() });
    const firstId = first.session!.getSessionId();
    await (await sessionOf(b1, firstId)).accept();
    await b2.waitForClose(firstId);
    const second = await a.client.call({ targetId: b1.userId, listener: a.listener() });
    const secondId = second.session!.getSessionId();
    expect((await a.waitFor('onHungup', (x) => x.sessionId === secondId)).args[1]).toBe(RCCallEndReason.REMOTE_OTHER_CLIENT_IN_CALL);
    expect((await b2.waitForClose(secondId)).summary.endReason).toBe(RCCallEndReason.OTHER_CLIENT_IN_CALL);
    expect((await b1.waitForClose(secondId)).summary.endReason).toBe(RCCallEndReason.BUSY_LINE);
    await first.session!.hungup();
  });

  it('21/31: placing a call from another device stops the ringing one', async () => {
    const [a, b1, c] = [await user('ja'), await user('jb', 'phone'), await user('jc')];
    const b2 = await user('jb', 'laptop', b1.userId);
    const ringing = await a.client.call({ targetId: b1.userId, listener: a.listener() });
    const ringingId = ringing.session!.getSessionId();
    await b2.waitFor('onSession', (x) => x.sessionId === ringingId);
    // b1 never saw the invite as its own session would (simulate its app ignoring it): it calls c directly.
    await b1.waitFor('onSession', (x) => x.sessionId === ringingId);
    const b1Session = b1.sessions.find((s) => s.getSessionId() === ringingId)!;
    await b1Session.end(RCCallEndReason.HANGUP); // local only: the server still has b ringing
    const out = await b1.client.call({ targetId: c.userId, listener: b1.listener() });
    expect(out.code).toBe(RCCallErrorCode.SUCCESS);
    expect((await a.waitFor('onHungup', (x) => x.sessionId === ringingId)).args[1]).toBe(RCCallEndReason.REMOTE_OTHER_CLIENT_JOINED_CALL);
    expect((await b2.waitForClose(ringingId)).summary.endReason).toBe(RCCallEndReason.OTHER_CLIENT_JOINED_CALL);
    await out.session!.hungup();
  });

  it('23/33: a ban ends the banned user’s call and closes the connection', async () => {
    const [a, b] = [await user('ba'), await user('bb')];
    const placed = await a.client.call({ targetId: b.userId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await (await sessionOf(b, callId)).accept();
    await a.waitFor('onAccept');
    expect((await server.signedPost('/user/block.json', { userId: b.userId, minute: '1' })).body.code).toBe(200);
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId)).args[1]).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.KICKED_BY_SERVER);
  });

  it('blacklist: a 1:1 call is refused with 53202; in a group the blocking invitee drops out with 103', async () => {
    const [a, b, c] = [await user('la'), await user('lb'), await user('lc')];
    expect((await server.signedPost('/user/blacklist/add.json', { userId: b.userId, blackUserId: a.userId })).body.code).toBe(200);
    expect((await a.client.call({ targetId: b.userId, listener: a.listener() })).code).toBe(RCCallErrorCode.REJECTED_BY_BLACKLIST);
    const groupId = await group([a, b, c]);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: [b.userId, c.userId], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    expect((await a.waitFor('onHungup', (x) => x.sessionId === callId && senderId(x) === b.userId)).args[1]).toBe(
      RCCallEndReason.ADDED_TO_BLACKLIST,
    );
    await sessionOf(c, callId);
    await placed.session!.hungup();
  });

  it('104: with the app’s video service off, the answered call ends with SERVICE_NOT_OPENED', async () => {
    const [a, b] = [await user('sa'), await user('sb')];
    expect((await server.signedPost('/opencall/app/service.json', { video: '0' })).body.code).toBe(200);
    try {
      const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: a.listener() });
      const callId = placed.session!.getSessionId();
      await (await sessionOf(b, callId)).accept();
      const closes = await Promise.all([a.waitForClose(callId), b.waitForClose(callId)]);
      expect(closes.map((x) => x.summary.endReason)).toContain(RCCallEndReason.SERVICE_NOT_OPENED);
    } finally {
      await server.signedPost('/opencall/app/service.json', { video: '1' });
    }
  });
});

describe('offline callees', () => {
  it('a call missed with no device online arrives as onOfflineRecord on the next connect, and was pushed', async () => {
    const a = await user('fa');
    const offlineId = nextId('fb');
    await server.getToken(offlineId);
    const placed = await a.client.call({
      targetId: offlineId,
      mediaType: RCCallMediaType.AUDIO,
      listener: a.listener(),
      pushTitle: 'Ring!',
    });
    const callId = placed.session!.getSessionId();
    await placed.session!.hungup();
    const records: unknown[] = [];
    const b = await connectHeadless(server.url, server.appKey, offlineId, await server.getToken(offlineId), `${offlineId}-d`, {
      onOfflineRecord: (r) => records.push(r),
    });
    users.clients.push(b);
    const deadline = Date.now() + 3000;
    while (records.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(records[0]).toMatchObject({
      callId,
      inviterId: a.userId,
      endReason: RCCallEndReason.REMOTE_CANCEL,
      mediaType: RCCallMediaType.AUDIO,
      duration: 0,
    });
    const pushedTo = () => pushes().filter((p) => p.userId === offlineId);
    while (pushedTo().length < 2 && Date.now() < deadline + 3000) await new Promise((r) => setTimeout(r, 20));
    const kinds = pushedTo().map((p) => [p.kind, p.title]);
    expect(kinds).toEqual([
      ['call', 'Ring!'],
      ['hangup', 'Ring!'],
    ]);
  });

  it('a device that connects while the call still rings gets it as a live onSession', async () => {
    const a = await user('ra');
    const lateId = nextId('rb');
    await server.getToken(lateId);
    const placed = await a.client.call({ targetId: lateId, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    const b = await connectHeadless(server.url, server.appKey, lateId, await server.getToken(lateId), `${lateId}-d`);
    users.clients.push(b);
    const session = await sessionOf(b, callId);
    await session.accept();
    await a.waitFor('onAccept', (x) => x.sessionId === callId);
    const info = await a.client.getJoinedUserInfo(a.userId);
    expect(info.code).toBe(RCCallErrorCode.SUCCESS);
    await placed.session!.hungup();
  });
});

describe('profiles and getters', () => {
  it('registerUserInfo profiles reach the other side in ISenderInfo; getUserState and getRemoteUsers follow every state', async () => {
    const [a, b] = [await user('pa'), await user('pb')];
    a.client.registerUserInfo({ name: 'Alice', portraitUri: 'https://img/a.png', extra: 'vip' });
    b.client.registerUserInfo({ name: 'Bob' });
    const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    const sa = placed.session!;
    const callId = sa.getSessionId();
    expect(sa.getUserState(b.userId)).toBe(RCCallUserState.WAITING);
    expect(sa.getUserState('nobody')).toBe(RCCallUserState.NONE);
    expect(() => sa.getUserState('')).toThrow();
    const sb = await sessionOf(b, callId);
    expect(sb.getRemoteUsers()).toEqual([
      {
        userId: a.userId,
        state: RCCallUserState.WAITING,
        isCaller: true,
        isRemote: true,
        name: 'Alice',
        portraitUri: 'https://img/a.png',
        extra: 'vip',
      },
    ]);
    expect((await a.waitFor('onRinging', (x) => x.sessionId === callId)).args[0]).toEqual({ userId: b.userId, name: 'Bob' });
    await sb.accept();
    expect((await a.waitFor('onAccept', (x) => x.sessionId === callId)).args[0]).toMatchObject({ userId: b.userId, name: 'Bob' });
    expect(sa.getUserState(b.userId)).toBe(RCCallUserState.KEEPING);
    expect(sa.getUserState(a.userId)).toBe(RCCallUserState.KEEPING);
    expect(sb.getChannelId()).toBe('');
    await sb.hungup();
    const hungup = await a.waitFor('onHungup', (x) => x.sessionId === callId);
    expect(hungup.args[0]).toMatchObject({ userId: b.userId, name: 'Bob' });
    expect(sa.getUserState(b.userId)).toBe(RCCallUserState.NONE);
    await a.waitForClose(callId);
    expect(sa.getState()).toBe(RCCallSessionState.END);
  });
});

describe('push config and devices', () => {
  it('setPushConfig titles reach the push provider; changeAudioDevice reports the new track; getRTCSessionId after join', async () => {
    const a = await user('sp');
    const offlineId = nextId('sq');
    await server.getToken(offlineId);
    a.client.setPushConfig({ pushTitle: 'Call from A', pushContent: 'pick up' }, { pushTitle: 'Missed call', pushContent: 'A hung up' });
    const placed = await a.client.call({ targetId: offlineId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    await placed.session!.hungup();
    const deadline = Date.now() + 3000;
    const pushed = () =>
      pushes()
        .filter((p) => p.userId === offlineId)
        .map((p) => [p.kind, p.title, p.content]);
    while (pushed().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pushed()).toEqual([
      ['call', 'Call from A', 'pick up'],
      ['hangup', 'Missed call', 'A hung up'],
    ]);

    const b = await user('sr');
    const c = await user('ss');
    const second = await b.client.call({ targetId: c.userId, mediaType: RCCallMediaType.AUDIO, listener: b.listener() });
    const callId = second.session!.getSessionId();
    await (await sessionOf(c, callId)).accept();
    await b.waitFor('onAccept', (x) => x.sessionId === callId);
    await b.waitFor('onTrackReady', (x) => !(x.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    expect(second.session!.getRTCSessionId()).not.toBe('');
    const before = b.callbacks.filter((x) => x.name === 'onTrackReady').length;
    expect((await second.session!.changeAudioDevice()).code).toBe(RCCallErrorCode.SUCCESS);
    const after = b.callbacks.filter((x) => x.name === 'onTrackReady');
    expect(after.length).toBe(before + 1);
    expect((after.at(-1)!.args[0] as { isLocalTrack(): boolean; isAudioTrack(): boolean }).isAudioTrack()).toBe(true);
    await second.session!.hungup();
  });
});
