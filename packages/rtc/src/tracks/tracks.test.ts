import { RCResolution, RCRTCCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { createRTCInstaller, installer } from '../installer.js';
import { FakeMediaCapture, FakeMediaTrack } from '../media/fake-media.js';
import { MemoryRtcRelay } from '../testing/memory-rtc-relay.js';
import { RCLocalTrack } from './local-tracks.js';
import { RCRemoteAudioTrack } from './remote-tracks.js';

function client(capture = new FakeMediaCapture()) {
  const relay = new MemoryRtcRelay();
  return createRTCInstaller({ transport: 'fake', capture }).setup(relay.createContext('alice'), { tag: 'node' }, {});
}

describe('installers', () => {
  it('the browser installer refuses Node; createRTCInstaller accepts both', () => {
    expect(installer.tag).toBe('RCRTC');
    expect(installer.verify({ tag: 'browser' })).toBe(true);
    expect(installer.verify({ tag: 'node' })).toBe(false);
    expect(createRTCInstaller().verify({ tag: 'node' })).toBe(true);
  });
  it('setup throws on bad options', () => {
    const relay = new MemoryRtcRelay();
    expect(() => installer.setup(relay.createContext('a'), { tag: 'browser' }, { timeout: 'x' } as never)).toThrow(/timeout/);
  });
});

describe('local tracks', () => {
  it('capture passes the profile and ids follow the conventions', async () => {
    const capture = new FakeMediaCapture();
    const rtc = client(capture);
    const { code, track } = await rtc.createCameraVideoTrack('screen', { resolution: RCResolution.W320_H240, cameraId: 'cam' });
    expect(code).toBe(RCRTCCode.SUCCESS);
    expect(capture.lastRequest?.video).toMatchObject({ width: { ideal: 320 }, height: { ideal: 240 }, deviceId: { exact: 'cam' } });
    expect(track!.getStreamId()).toBe('alice_screen');
    expect(track!.getTrackId()).toBe('alice_screen_video');
    expect([track!.isLocalTrack(), track!.isVideoTrack(), track!.isAudioTrack(), track!.isMCUTrack()]).toEqual([true, true, false, false]);
    expect(track!.isReady()).toBe(true);
  });

  it('maps capture failures and bad arguments to RCRTCCode', async () => {
    expect((await client(new FakeMediaCapture({ failWith: 'NotAllowedError' })).createMicrophoneAudioTrack()).code).toBe(
      RCRTCCode.PERMISSION_DENIED,
    );
    const failing = await client(new FakeMediaCapture({ failWith: 'NotReadableError' })).createMicrophoneAndCameraTracks();
    expect(failing).toEqual({ code: RCRTCCode.GET_USER_MEDIA_FAILED, tracks: [] });
    expect((await client().createMicrophoneAudioTrack('bad tag')).code).toBe(RCRTCCode.INVALID_TAGS);
    expect((await client().createLocalVideoTrack('t', new FakeMediaTrack('audio') as never)).code).toBe(
      RCRTCCode.CREATE_CUSTOM_TRACK_FAILED,
    );
  });

  it('mute toggles enabled, destroy stops, device end fires EVENT_LOCAL_TRACK_END', async () => {
    const media = new FakeMediaTrack('audio');
    const { track } = await client().createLocalAudioTrack('custom', media as never);
    await track!.mute();
    expect([media.enabled, track!.isLocalMuted(), track!.isOwnerMuted()]).toEqual([false, true, true]);
    await track!.unmute();
    expect(media.enabled).toBe(true);
    const ended: unknown[] = [];
    track!.on(RCLocalTrack.EVENT_LOCAL_TRACK_END, (t) => ended.push(t));
    media.end();
    expect(ended).toEqual([track]);
    track!.destroy();
    expect(media.readyState).toBe('ended');
    expect(track!.isReady()).toBe(false);
  });

  it('play: video needs an element; in Node playback is a no-op success', async () => {
    const rtc = client();
    const { track: video } = await rtc.createCameraVideoTrack();
    const { track: audio } = await rtc.createMicrophoneAudioTrack();
    expect((await video!.play()).code).toBe(RCRTCCode.VIDEO_TRACK_MISS_MEDIA_ELEMENT);
    expect((await audio!.play()).code).toBe(RCRTCCode.SUCCESS);
  });

  it('bitrate is kept', async () => {
    const { track } = await client().createCameraVideoTrack();
    track!.setBitrate(800, 200, 500);
    expect(track!.getBitrate()).toEqual({ max: 800, min: 200, start: 500 });
  });
});

describe('remote tracks', () => {
  it('are ready only when subscribed with media', () => {
    const track = new RCRemoteAudioTrack('RongCloudRTC', 'bob', true);
    expect([track.isLocalTrack(), track.isOwnerMuted(), track.isReady()]).toEqual([false, true, false]);
    track.__setMediaTrack(new FakeMediaTrack('audio'));
    expect(track.isReady()).toBe(false);
    track.__setSubscribed(true);
    expect(track.isReady()).toBe(true);
    expect(track.getTrackId()).toBe('bob_RongCloudRTC_audio');
  });
});
