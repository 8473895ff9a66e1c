import { RCRTCCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { RCCallPlusCode, RCCallPlusMediaType } from './enums.js';
import { MediaViews, type PlayableTrack } from './media-views.js';

interface FakeTrack extends PlayableTrack {
  played: (HTMLMediaElement | undefined)[];
}

function fakeTrack(userId: string, kind: 'audio' | 'video', local = false, code: number = RCRTCCode.SUCCESS): FakeTrack {
  const played: (HTMLMediaElement | undefined)[] = [];
  return {
    played,
    getUserId: () => userId,
    isAudioTrack: () => kind === 'audio',
    isLocalTrack: () => local,
    play: async (element) => {
      played.push(element);
      return { code };
    },
  };
}

const element = (name: string) => ({ name, srcObject: null }) as unknown as HTMLVideoElement;

function views() {
  const warnings: string[] = [];
  return { views: new MediaViews({ warn: (...args) => warnings.push(args.join(' ')) }), warnings };
}

describe('setVideoView / removeVideoView', () => {
  it('binds each user to its element and rejects malformed lists with PARAM_ERROR', () => {
    const { views: v } = views();
    expect(v.setVideoView([{ userId: 'bob', videoElement: element('b') }])).toEqual({ code: RCCallPlusCode.SUCCESS });
    for (const bad of [undefined, [], [{ userId: '', videoElement: element('x') }], [{ userId: 'a' }], 'bob', [null]]) {
      expect(v.setVideoView(bad)).toEqual({ code: RCCallPlusCode.PARAM_ERROR });
    }
  });

  it('a malformed entry binds nothing of its list', async () => {
    const { views: v } = views();
    const track = fakeTrack('alice', 'video');
    v.remember(track, 'c1');
    expect(v.setVideoView([{ userId: 'alice', videoElement: element('a') }, { userId: '' }]).code).toBe(RCCallPlusCode.PARAM_ERROR);
    expect((await v.play('alice', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.PLAY_MEDIA_FAILED);
  });

  it('removeVideoView unbinds and clears the element', async () => {
    const { views: v } = views();
    const el = { srcObject: 'stream' } as unknown as HTMLVideoElement;
    v.setVideoView([{ userId: 'bob', videoElement: el }]);
    expect(v.removeVideoView(['bob'])).toEqual({ code: RCCallPlusCode.SUCCESS });
    expect(el.srcObject).toBeNull();
    v.remember(fakeTrack('bob', 'video'), 'c1');
    expect((await v.play('bob', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.PLAY_MEDIA_FAILED);
    expect(v.removeVideoView('bob')).toEqual({ code: RCCallPlusCode.PARAM_ERROR });
  });
});

describe('playMedia', () => {
  it('plays video into the bound element and remote audio on its own element', async () => {
    const { views: v } = views();
    const view = element('bob');
    const video = fakeTrack('bob', 'video');
    const audio = fakeTrack('bob', 'audio');
    v.setVideoView([{ userId: 'bob', videoElement: view }]);
    v.remember(video, 'c1');
    v.remember(audio, 'c1');
    expect(await v.play('bob', RCCallPlusMediaType.VIDEO)).toEqual({ code: RCCallPlusCode.SUCCESS });
    expect(video.played).toEqual([view]);
    expect(audio.played).toEqual([]);
    expect(await v.play('bob', RCCallPlusMediaType.AUDIO)).toEqual({ code: RCCallPlusCode.SUCCESS });
    expect(audio.played).toEqual([undefined]);
    expect(await v.play('bob', RCCallPlusMediaType.AUDIO_VIDEO)).toEqual({ code: RCCallPlusCode.SUCCESS });
    expect(video.played).toHaveLength(2);
    expect(audio.played).toHaveLength(2);
  });

  it('never plays back the local microphone, but plays the local camera', async () => {
    const { views: v } = views();
    const mic = fakeTrack('me', 'audio', true);
    const cam = fakeTrack('me', 'video', true);
    v.remember(mic, 'c1');
    v.remember(cam, 'c1');
    v.setVideoView([{ userId: 'me', videoElement: element('me') }]);
    expect(await v.play('me', RCCallPlusMediaType.AUDIO_VIDEO)).toEqual({ code: RCCallPlusCode.SUCCESS });
    expect(mic.played).toEqual([]);
    expect(cam.played).toHaveLength(1);
  });

  it('plays the newest track of a user (a camera replaced mid-call)', async () => {
    const { views: v } = views();
    const first = fakeTrack('bob', 'video');
    const second = fakeTrack('bob', 'video');
    v.setVideoView([{ userId: 'bob', videoElement: element('bob') }]);
    v.remember(first, 'c1');
    v.remember(second, 'c1');
    await v.play('bob', RCCallPlusMediaType.VIDEO);
    expect(first.played).toEqual([]);
    expect(second.played).toHaveLength(1);
  });

  it('answers bad input and missing media with distinct codes', async () => {
    const { views: v, warnings } = views();
    expect((await v.play('', RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.USER_ID_INVALID);
    expect((await v.play('bob', 7)).code).toBe(RCCallPlusCode.MEDIATYPE_INVALID);
    expect((await v.play('bob', RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
    v.remember(fakeTrack('bob', 'video'), 'c1');
    expect((await v.play('bob', RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
    expect((await v.play('bob', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.PLAY_MEDIA_FAILED);
    expect(warnings.some((w) => w.includes('setVideoView first'))).toBe(true);
  });

  it('reports a failed play as PLAY_MEDIA_FAILED', async () => {
    const { views: v } = views();
    v.remember(fakeTrack('bob', 'audio', false, RCRTCCode.TRACK_PLAY_ERROR), 'c1');
    expect((await v.play('bob', RCCallPlusMediaType.AUDIO)).code).toBe(RCCallPlusCode.PLAY_MEDIA_FAILED);
  });

  it('forgets the tracks of an ended call but keeps the views', async () => {
    const { views: v } = views();
    v.setVideoView([{ userId: 'bob', videoElement: element('bob') }]);
    v.remember(fakeTrack('bob', 'video'), 'c1');
    v.forgetCall('c1');
    expect((await v.play('bob', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
    v.remember(fakeTrack('bob', 'video'), 'c2');
    expect((await v.play('bob', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);
  });

  it('keeps the current call playable when another call (a busy invite) ends', async () => {
    const { views: v } = views();
    v.setVideoView([{ userId: 'bob', videoElement: element('bob') }]);
    v.remember(fakeTrack('bob', 'video'), 'current');
    v.forgetCall('busy-invite');
    expect((await v.play('bob', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);
  });

  it("gives the caller's own tracks (reported before call() resolved) to the call, or drops them when placing failed", async () => {
    const { views: v } = views();
    v.setVideoView([{ userId: 'me', videoElement: element('me') }]);
    v.remember(fakeTrack('me', 'video', true), undefined);
    v.adoptPending('c9');
    v.forgetCall(undefined);
    expect((await v.play('me', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.SUCCESS);
    v.forgetCall('c9');
    expect((await v.play('me', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
    v.remember(fakeTrack('me', 'video', true), undefined);
    v.forgetCall(undefined);
    expect((await v.play('me', RCCallPlusMediaType.VIDEO)).code).toBe(RCCallPlusCode.MEDIA_RESOURCE_INVALIED);
  });
});
