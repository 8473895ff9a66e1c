/**
 * CallPlus and its CallLib-style wrapper against the real server process, with headless clients
 * (real IMLib over real WebSockets, fake media transport): a CallLib client and a CallPlus client
 * call each other both ways; the wrapper reports tracks as `onTrackReady(userId, mediaType, session)`
 * and `setVideoView` / `playMedia` play what the call reported.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType, type RCCallSession } from '@opencall/call';
import { OpenCallNotSupportedError, RCCallPlusCode, RCCallPlusMediaType, type RCCallPlusSession, RCCallPlusType } from '@opencall/callplus';
import { RCCallSession as WrapperSession, installer as wrapperInstaller } from '@opencall/callplus/wrapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadlessCallPlus, type HeadlessCallPlus } from '../helpers/headless-callplus.js';
import type { HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { sessionOf, testUsers } from '../helpers/test-users.js';

let server: ServerProcess;
const users = testUsers(() => server);
const callPlusUsers: HeadlessCallPlus[] = [];

async function callPlusUser(prefix: string, wrapper: boolean): Promise<HeadlessCallPlus> {
  const client = await connectHeadlessCallPlus(server, users.nextId(prefix), { wrapper });
  callPlusUsers.push(client);
  return client;
}

/** A fake `<video>`: in Node, playback through RCTrack.play is a successful no-op once an element is given. */
const fakeVideo = () => ({ srcObject: null }) as unknown as HTMLVideoElement;

const isRemote = (selfId: string) => (c: { args: unknown[] }) => c.args[0] !== selfId;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await Promise.all(callPlusUsers.map((c) => c.disconnect().catch(() => undefined)));
  await users.disconnectAll();
  await server?.stop();
});

describe('CallLib → CallPlus wrapper', () => {
  it('rings the wrapper page, reports tracks as (userId, mediaType, session), plays them, and hangs up', async () => {
    const alice: HeadlessClient = await users.user('alice');
    const bob = await callPlusUser('bob', true);

    const placed = await alice.client.call({ targetId: bob.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: alice.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    const onSession = await bob.waitFor('onSession');
    const session = onSession.args[0] as WrapperSession;
    expect(session).toBeInstanceOf(WrapperSession);
    expect(session.getSessionId()).toBe(callId);
    expect(session.getCallerId()).toBe(alice.userId);
    expect(session.getMediaType()).toBe(RCCallMediaType.AUDIO_VIDEO);
    await alice.waitFor('onRinging');

    // Nothing reported yet: playMedia has nothing to play.
    expect((await bob.callPlus.playMedia(alice.userId, RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);

    expect((await session.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await alice.waitFor('onAccept');
    const remoteVideo = await bob.waitFor('onTrackReady', (c) => c.args[0] === alice.userId && c.args[1] === RCCallMediaType.AUDIO_VIDEO);
    await bob.waitFor('onTrackReady', (c) => c.args[0] === alice.userId && c.args[1] === RCCallMediaType.AUDIO);
    expect(remoteVideo.args[2]).toBe(session);
    // Bob's own tracks are reported too (under his id), after he accepted.
    await bob.waitFor('onTrackReady', (c) => c.args[0] === bob.userId && c.args[1] === RCCallMediaType.AUDIO_VIDEO);
    for (const c of bob.callbacks.filter((x) => x.name === 'onTrackReady')) {
      expect(c.args).toHaveLength(3);
      expect(typeof c.args[0]).toBe('string');
      expect([RCCallMediaType.AUDIO, RCCallMediaType.AUDIO_VIDEO]).toContain(c.args[1]);
    }

    // The seed's recipe: convert, then play; video needs a view first.
    const toPlay = (m: unknown) => (m === RCCallMediaType.AUDIO ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.VIDEO);
    expect((await bob.callPlus.playMedia(alice.userId, toPlay(remoteVideo.args[1]))).code).toBe(RCCallPlusCode.PLAY_MEDIA_FAILED);
    expect(
      bob.callPlus.setVideoView([
        { userId: alice.userId, videoElement: fakeVideo() },
        { userId: bob.userId, videoElement: fakeVideo() },
      ]).code,
    ).toBe(RCCallPlusCode.SUCCESS);
    for (const c of bob.callbacks.filter((x) => x.name === 'onTrackReady')) {
      expect((await bob.callPlus.playMedia(c.args[0] as string, toPlay(c.args[1]))).code).toBe(RCCallPlusCode.SUCCESS);
    }
    expect((await bob.callPlus.playMedia(alice.userId, RCCallPlusMediaType.AUDIO_VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);

    expect((await alice.client.call({ targetId: bob.userId, listener: alice.listener() })).code).toBe(RCCallErrorCode.STATE_MACHINE_EXIT);
    expect((await (placed.session as RCCallSession).hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    const hungup = await bob.waitFor('onHungup');
    expect(hungup.args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(hungup.args[2]).toBe(session);
    const closed = await bob.waitFor('onSessionClose');
    expect(closed.args[0]).toBe(session);
    expect((closed.args[1] as { endReason: number }).endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    // The call's tracks are gone with it.
    expect((await bob.callPlus.playMedia(alice.userId, RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
  });
});

describe('CallLib → CallPlus wrapper, busy', () => {
  it("a busy invite ends on its own; the current call's media stays playable", async () => {
    const kim: HeadlessClient = await users.user('kim');
    const lee = await callPlusUser('lee', true);
    const max: HeadlessClient = await users.user('max');

    const placed = await kim.client.call({ targetId: lee.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: kim.listener() });
    const callId = placed.session!.getSessionId();
    const session = (await lee.waitFor('onSession')).args[0] as WrapperSession;
    expect((await session.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await lee.waitFor('onTrackReady', (c) => c.args[0] === kim.userId && c.args[1] === RCCallMediaType.AUDIO_VIDEO);
    lee.callPlus.setVideoView([{ userId: kim.userId, videoElement: fakeVideo() }]);

    const busy = await max.client.call({ targetId: lee.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: max.listener() });
    const busyId = busy.session!.getSessionId();
    const busyClose = await lee.waitFor('onSessionClose', (c) => (c.args[0] as WrapperSession).getSessionId() === busyId);
    expect((busyClose.args[1] as { endReason: number }).endReason).toBe(RCCallEndReason.BUSY_LINE);
    expect((await max.waitFor('onHungup')).args[1]).toBe(RCCallEndReason.REMOTE_BUSY_LINE);

    expect((await lee.callPlus.playMedia(kim.userId, RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);
    expect(lee.callbacks.some((c) => c.name === 'onSessionClose' && (c.args[0] as WrapperSession).getSessionId() === callId)).toBe(false);
    expect((await session.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
  });
});

describe('CallPlus wrapper → CallLib', () => {
  it('places the call with the wrapper, the CallLib side answers, both get media, the wrapper hangs up', async () => {
    const carol = await callPlusUser('carol', true);
    const dave: HeadlessClient = await users.user('dave');

    const placed = await carol.wrapper!.call({ targetId: dave.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: carol.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const session = placed.session!;
    expect(session).toBeInstanceOf(WrapperSession);
    // The caller's own tracks come before call() resolves, without a session (as CallLib's).
    const local = carol.callbacks.filter((c) => c.name === 'onTrackReady' && c.args[0] === carol.userId);
    expect(local.map((c) => c.args[1]).sort()).toEqual([RCCallMediaType.AUDIO, RCCallMediaType.AUDIO_VIDEO]);
    expect(local.every((c) => c.args[2] === undefined)).toBe(true);

    const daveSession = await sessionOf(dave, session.getSessionId());
    await carol.waitFor('onRinging', (c) => (c.args[0] as { userId: string }).userId === dave.userId);
    expect((await daveSession.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    const accepted = await carol.waitFor('onAccept');
    expect(accepted.args[1]).toBe(session);
    await carol.waitFor('onTrackReady', (c) => isRemote(carol.userId)(c) && c.args[1] === RCCallMediaType.AUDIO_VIDEO);
    await dave.waitFor('onTrackReady', (c) => !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
    expect(session.getRemoteUsers().map((u) => u.userId)).toEqual([dave.userId]);

    carol.callPlus.setVideoView([{ userId: dave.userId, videoElement: fakeVideo() }]);
    expect((await carol.callPlus.playMedia(dave.userId, RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);

    expect((await session.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    const daveHungup = await dave.waitFor('onHungup');
    expect(daveHungup.args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    const closed = await carol.waitFor('onSessionClose');
    expect((closed.args[1] as { endReason: number }).endReason).toBe(RCCallEndReason.HANGUP);
  });
});

describe("CallPlus's own API", () => {
  it('startCall to a CallLib user: connected, media available, ended', async () => {
    const erin = await callPlusUser('erin', false);
    const frank: HeadlessClient = await users.user('frank');

    const started = await erin.callPlus.startCall([frank.userId], RCCallPlusType.SINGLE, RCCallPlusMediaType.AUDIO_VIDEO);
    expect(started.code).toBe(RCCallPlusCode.SUCCESS);
    const callId = started.callId!;
    const current = erin.callPlus.getCurrentCallSession()!;
    expect(current.getCallId()).toBe(callId);
    expect(current.getCreatorUserId()).toBe(erin.userId);
    expect(current.getCallType()).toBe(RCCallPlusType.SINGLE);
    expect(current.getMediaType()).toBe(RCCallPlusMediaType.AUDIO_VIDEO);

    const frankSession = await sessionOf(frank, callId);
    expect(frankSession.getMediaType()).toBe(RCCallMediaType.AUDIO_VIDEO);
    expect((await frankSession.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    const connected = await erin.waitFor('onCallConnected');
    expect((connected.args[0] as RCCallPlusSession).getCallId()).toBe(callId);
    await erin.waitFor('onReceivedCallStart');
    await erin.waitFor('onUserMediaAvailable', (c) => c.args[0] === frank.userId && c.args[1] === RCCallPlusMediaType.VIDEO);
    await erin.waitFor('onUserMediaAvailable', (c) => c.args[0] === frank.userId && c.args[1] === RCCallPlusMediaType.AUDIO);

    expect((await frankSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    const ended = await erin.waitFor('onCallEnded');
    expect(ended.args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(erin.callPlus.getCurrentCallSession()).toBeNull();
  });

  it('a CallLib user calls a CallPlus user: onReceivedCall, accept(callId), hangup(callId)', async () => {
    const gina: HeadlessClient = await users.user('gina');
    const hank = await callPlusUser('hank', false);

    const placed = await gina.client.call({ targetId: hank.userId, mediaType: RCCallMediaType.AUDIO, listener: gina.listener() });
    const callId = placed.session!.getSessionId();
    const received = await hank.waitFor('onReceivedCall');
    const session = received.args[0] as RCCallPlusSession;
    expect(session.getCallId()).toBe(callId);
    expect(session.getMediaType()).toBe(RCCallPlusMediaType.AUDIO);
    expect((await hank.callPlus.accept('no-such-call')).code).toBe(RCCallPlusCode.NOT_IN_CALL);
    expect((await hank.callPlus.accept(callId)).code).toBe(RCCallPlusCode.SUCCESS);
    await hank.waitFor('onCallConnected');
    await gina.waitFor('onAccept');
    await hank.waitFor('onUserMediaAvailable', (c) => c.args[0] === gina.userId && c.args[1] === RCCallPlusMediaType.AUDIO);
    expect((await hank.callPlus.playMedia(gina.userId, RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.SUCCESS);
    expect((await hank.callPlus.hangup(callId)).code).toBe(RCCallPlusCode.SUCCESS);
    expect((await gina.waitFor('onHungup')).args[1]).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect((await hank.waitFor('onCallEnded')).args[1]).toBe(RCCallEndReason.HANGUP);
  });

  it('bad input gets CallPlus codes; what OpenCall leaves out throws OpenCallNotSupportedError', async () => {
    const ivy = await callPlusUser('ivy', false);
    const cp = ivy.callPlus;
    expect((await cp.startCall([], RCCallPlusType.SINGLE, RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.USER_LIST_INVAILD);
    expect((await cp.startCall(['a'], RCCallPlusType.SINGLE, 9 as RCCallPlusMediaType)).code).toBe(RCCallPlusCode.MEDIATYPE_INVALID);
    expect((await cp.startCall(['a', 'b'], RCCallPlusType.SINGLE, RCCallPlusMediaType.AUDIO)).code).toBe(
      RCCallPlusCode.SINGLE_CALL_NOT_SUPPORT_MULTI_PERSON,
    );
    await expect(cp.startCall(['a', 'b'], RCCallPlusType.MULTI, RCCallPlusMediaType.AUDIO)).rejects.toBeInstanceOf(
      OpenCallNotSupportedError,
    );
    expect(() => (cp as unknown as { startCamera(): void }).startCamera()).toThrow(OpenCallNotSupportedError);
    expect((await cp.hangup()).code).toBe(RCCallPlusCode.NOT_IN_CALL);
    expect(cp.setVideoView([]).code).toBe(RCCallPlusCode.PARAM_ERROR);
  });
});

describe('wrapper installer', () => {
  it('needs a CallPlus client, and only one wrapper per client', async () => {
    const jill = await callPlusUser('jill', true);
    const handlers = { onSession: () => undefined, onSessionClose: () => undefined };
    expect(() => jill.im.installPlugin(wrapperInstaller, { ...handlers, callPlusClient: {} as never })).toThrow(/callPlusClient/);
    expect(() => jill.im.installPlugin(wrapperInstaller, { ...handlers, callPlusClient: jill.callPlus, joinType: 7 as never })).toThrow(
      /joinType/,
    );
    expect(() => jill.im.installPlugin(wrapperInstaller, { ...handlers, callPlusClient: jill.callPlus })).toThrow(/already installed/);
    await expect(jill.wrapper!.call({ targetId: 'x', listener: {} as never })).rejects.toThrow(/missing parameter/);
    await expect(jill.callPlus.startCall(['x'], RCCallPlusType.SINGLE, RCCallPlusMediaType.AUDIO)).rejects.toBeInstanceOf(
      OpenCallNotSupportedError,
    );
  });
});
