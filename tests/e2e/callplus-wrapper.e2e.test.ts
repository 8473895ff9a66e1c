/**
 * CallLib ↔ CallPlus wrapper in real Chromium, through one real server: a CallLib page
 * (RongIMLib + RCRTC + RCCall) and a CallPlus-wrapper page (RongIMLib + RCRTC + CallPlus +
 * CallPlusWrapper, migrated as the seed describes) call each other both ways, and each side decodes
 * the other's video. (RongCloud's CallPlus and CallLib cannot call each other; OpenCall's can.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallPlusWrapperUser } from './harness/callplus-wrapper-user.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

const REMOTE_HANGUP = 13;
const HANGUP = 3;
const FRAMES = 30;

/** The wrapper's onTrackReady entries of a call: (userId, RCCallMediaType, session) and nothing else. */
async function expectWrapperTracks(user: CallPlusWrapperUser, callId: string, peerId: string, since: number): Promise<void> {
  const tracks = (await user.events({ name: 'onTrackReady' })).filter((e) => e.at >= since);
  expect(tracks.every((e) => e.argCount === 3)).toBe(true);
  const remote = tracks.filter((e) => e.userId === peerId);
  expect(remote.every((e) => e.callId === callId)).toBe(true);
  expect(remote.map((e) => e.mediaType).sort()).toEqual([MediaType.AUDIO, MediaType.AUDIO_VIDEO]);
  expect(
    tracks
      .filter((e) => e.local)
      .map((e) => e.mediaType)
      .sort(),
  ).toEqual([MediaType.AUDIO, MediaType.AUDIO_VIDEO]);
  await user.agent.waitForSince({ name: 'played', userId: peerId, mediaType: MediaType.AUDIO_VIDEO }, since);
  await user.agent.waitForSince({ name: 'played', userId: peerId, mediaType: MediaType.AUDIO }, since);
  expect(await user.events({ name: 'playFailed' }), `${user.userId}: playMedia failures`).toEqual([]);
}

describe('CallLib ↔ CallPlus wrapper', () => {
  let env: E2eEnv;
  let callLib: SdkUser;
  let wrapper: CallPlusWrapperUser;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'callplus-wrapper', budgetMs: 55_000 });
    [callLib, wrapper] = await Promise.all([env.openSdkUser('calllib-alice'), CallPlusWrapperUser.open(env, 'callplus-bob')]);
  });

  afterAll(async () => {
    await env?.close();
  });

  it('a CallLib page calls a CallPlus-wrapper page: video decoded both ways', async () => {
    const since = Date.now();
    const callId = await callLib.call(wrapper.userId, MediaType.AUDIO_VIDEO);
    const session = await wrapper.waitFor({ name: 'onSession', callId });
    expect(session).toMatchObject({ caller: callLib.userId, mediaType: MediaType.AUDIO_VIDEO });
    await callLib.waitFor({ name: 'onRinging', sender: wrapper.userId, callId });

    await wrapper.accept(callId);
    await callLib.waitFor({ name: 'onAccept', sender: wrapper.userId, callId });
    await Promise.all([callLib.waitForRemoteFrames(wrapper.userId, FRAMES), wrapper.waitForRemoteFrames(callLib.userId, FRAMES)]);
    await expectWrapperTracks(wrapper, callId, callLib.userId, since);

    await callLib.hangup(callId);
    expect(await wrapper.waitFor({ name: 'onHungup', callId })).toMatchObject({ sender: callLib.userId, reason: REMOTE_HANGUP });
    expect((await wrapper.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(REMOTE_HANGUP);
    expect((await callLib.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(HANGUP);
  });

  it('a CallPlus-wrapper page calls a CallLib page: video decoded both ways', async () => {
    const since = Date.now();
    const callId = await wrapper.call(callLib.userId, MediaType.AUDIO_VIDEO);
    expect(await callLib.waitFor({ name: 'onSession', callId })).toMatchObject({ caller: wrapper.userId });
    await wrapper.waitFor({ name: 'onRinging', sender: callLib.userId, callId });

    await callLib.accept(callId);
    await wrapper.waitFor({ name: 'onAccept', sender: callLib.userId, callId });
    await Promise.all([callLib.waitForRemoteFrames(wrapper.userId, FRAMES), wrapper.waitForRemoteFrames(callLib.userId, FRAMES)]);
    await expectWrapperTracks(wrapper, callId, callLib.userId, since);

    await wrapper.hangup(callId);
    expect(await callLib.waitFor({ name: 'onHungup', callId })).toMatchObject({ sender: wrapper.userId, reason: REMOTE_HANGUP });
    expect((await wrapper.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(HANGUP);
  });
});
