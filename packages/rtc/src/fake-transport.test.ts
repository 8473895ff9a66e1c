import { RCRTCCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import type { RCRTCClient } from './client/rc-rtc-client.js';
import { createRTCInstaller } from './installer.js';
import type { RCRTCRoom } from './room/rc-rtc-room.js';
import type { IRoomEventListener } from './room/room-listeners.js';
import { MemoryRtcRelay, waitFor } from './testing/memory-rtc-relay.js';
import type { RCTrack } from './tracks/rc-track.js';
import type { RCRemoteTrack } from './tracks/remote-tracks.js';

const ROOM = 'call_1';

function recorder() {
  const log: string[] = [];
  const published: RCRemoteTrack[] = [];
  const ready: RCTrack[] = [];
  const muteChanges: Array<{ trackId: string; muted: boolean }> = [];
  const listener: IRoomEventListener = {
    onUserJoin: (ids) => log.push(`join:${ids.join(',')}`),
    onUserLeave: (ids) => log.push(`leave:${ids.join(',')}`),
    onTrackPublish: (tracks) => {
      published.push(...tracks);
      log.push(`publish:${tracks.map((t) => t.getTrackId()).join(',')}`);
    },
    onTrackUnpublish: (tracks) => log.push(`unpublish:${tracks.map((t) => t.getTrackId()).join(',')}`),
    onTrackReady: (track) => {
      ready.push(track);
      log.push(`ready:${track.getTrackId()}`);
    },
    onAudioMuteChange: (track) => muteChanges.push({ trackId: track.getTrackId(), muted: track.isOwnerMuted() }),
    onVideoMuteChange: (track) => muteChanges.push({ trackId: track.getTrackId(), muted: track.isOwnerMuted() }),
  };
  return { log, published, ready, muteChanges, listener };
}

function setup(relay: MemoryRtcRelay, userId: string): RCRTCClient {
  const installer = createRTCInstaller({ transport: 'fake' });
  expect(installer.verify({ tag: 'node' })).toBe(true);
  return installer.setup(relay.createContext(userId), { tag: 'node' }, {});
}

async function join(client: RCRTCClient): Promise<RCRTCRoom> {
  const res = await client.joinRTCRoom(ROOM);
  expect(res.code).toBe(RCRTCCode.SUCCESS);
  return res.room!;
}

describe('FakeTransport through a relay that mimics the server', () => {
  it('join → publish → onTrackPublish → subscribe → onTrackReady → mute → leave', async () => {
    const relay = new MemoryRtcRelay();
    const alice = setup(relay, 'alice');
    const bob = setup(relay, 'bob');
    const aliceEvents = recorder();

    const aliceRoom = await join(alice);
    aliceRoom.registerRoomEventListener(aliceEvents.listener);
    const bobJoin = await bob.joinRTCRoom(ROOM);
    expect(bobJoin.code).toBe(RCRTCCode.SUCCESS);
    expect(bobJoin.userIds).toEqual(['alice']);
    const bobRoom = bobJoin.room!;
    await waitFor(() => aliceEvents.log.includes('join:bob'), 2000, 'onUserJoin');
    expect(aliceRoom.getRemoteUserIds()).toEqual(['bob']);

    const { code, tracks } = await bob.createMicrophoneAndCameraTracks();
    expect(code).toBe(RCRTCCode.SUCCESS);
    expect(tracks.map((t) => t.getTrackId())).toEqual(['bob_RongCloudRTC_audio', 'bob_RongCloudRTC_video']);
    expect((await bobRoom.publish(tracks)).code).toBe(RCRTCCode.SUCCESS);
    expect(tracks.every((t) => t.isPublished())).toBe(true);

    await waitFor(() => aliceEvents.published.length === 2, 2000, 'onTrackPublish');
    expect(aliceEvents.log).toContain('publish:bob_RongCloudRTC_audio,bob_RongCloudRTC_video');
    const remote = aliceRoom.getRemoteTracksByUserId('bob');
    expect(remote.every((t) => !t.isReady() && !t.isSubscribed())).toBe(true);

    expect((await aliceRoom.subscribe(remote)).code).toBe(RCRTCCode.SUCCESS);
    await waitFor(() => aliceEvents.ready.length === 2, 2000, 'onTrackReady');
    expect(remote.every((t) => t.isReady() && t.isSubscribed())).toBe(true);
    expect(aliceEvents.log.indexOf('publish:bob_RongCloudRTC_audio,bob_RongCloudRTC_video')).toBeLessThan(
      aliceEvents.log.indexOf('ready:bob_RongCloudRTC_audio'),
    );

    const bobAudio = tracks[0]!;
    await bobAudio.mute();
    expect(bobAudio.isLocalMuted()).toBe(true);
    expect(bobAudio.__getMediaStreamTrack()!.enabled).toBe(false);
    await waitFor(() => aliceEvents.muteChanges.length === 1, 2000, 'onAudioMuteChange');
    expect(aliceEvents.muteChanges[0]).toEqual({ trackId: 'bob_RongCloudRTC_audio', muted: true });
    expect(
      aliceRoom
        .getRemoteTracksByUserId('bob')
        .find((t) => t.isAudioTrack())!
        .isOwnerMuted(),
    ).toBe(true);
    await bobAudio.unmute();
    await waitFor(() => aliceEvents.muteChanges.length === 2, 2000, 'unmute');
    expect(aliceEvents.muteChanges[1]!.muted).toBe(false);

    expect((await bob.leaveRoom(bobRoom)).code).toBe(RCRTCCode.SUCCESS);
    expect(tracks.every((t) => !t.isPublished())).toBe(true);
    await waitFor(() => aliceEvents.log.includes('leave:bob'), 2000, 'onUserLeave');
    const unpublishAt = aliceEvents.log.indexOf('unpublish:bob_RongCloudRTC_audio,bob_RongCloudRTC_video');
    expect(unpublishAt).toBeGreaterThan(-1);
    expect(unpublishAt).toBeLessThan(aliceEvents.log.indexOf('leave:bob'));
    expect(aliceRoom.getRemoteTracks()).toEqual([]);
    expect(aliceRoom.getRemoteUserIds()).toEqual([]);
    await alice.leaveRoom(aliceRoom);
  });

  it('a joiner learns tracks published (and muted) before it joined', async () => {
    const relay = new MemoryRtcRelay();
    const alice = setup(relay, 'alice');
    const bob = setup(relay, 'bob');
    const aliceRoom = await join(alice);
    const { track } = await alice.createMicrophoneAudioTrack();
    await track!.mute();
    expect((await aliceRoom.publish([track!])).code).toBe(RCRTCCode.SUCCESS);

    const bobEvents = recorder();
    const bobRoom = await join(bob);
    bobRoom.registerRoomEventListener(bobEvents.listener);
    await waitFor(() => bobEvents.published.length === 1, 2000, 'onTrackPublish');
    const remote = bobEvents.published[0]!;
    expect(remote.getTrackId()).toBe('alice_RongCloudRTC_audio');
    expect(remote.isOwnerMuted()).toBe(true);
    await bobRoom.subscribe([{ track: remote }]);
    await waitFor(() => bobEvents.ready.length === 1, 2000, 'onTrackReady');
    expect((await aliceRoom.unpublish([track!])).code).toBe(RCRTCCode.SUCCESS);
    await waitFor(() => bobEvents.log.includes('unpublish:alice_RongCloudRTC_audio'), 2000, 'onTrackUnpublish');
    await alice.leaveRoom(aliceRoom);
    await bob.leaveRoom(bobRoom);
  });

  it('keeps the peer when a signal overtakes rtc.peer_joined', async () => {
    const relay = new MemoryRtcRelay({ lateJoinEventsMs: 30 });
    const alice = setup(relay, 'alice');
    const bob = setup(relay, 'bob');
    const aliceRoom = await join(alice);
    const aliceEvents = recorder();
    aliceRoom.registerRoomEventListener(aliceEvents.listener);
    const bobRoom = await join(bob);
    const { tracks } = await bob.createMicrophoneAndCameraTracks();
    await bobRoom.publish(tracks);
    await waitFor(() => aliceEvents.published.length === 2 && aliceEvents.log.includes('join:bob'), 2000, 'publish and join');
    await aliceRoom.subscribe(aliceEvents.published);
    await waitFor(() => aliceEvents.ready.length === 2, 2000, 'onTrackReady');
    await tracks[1]!.mute();
    await waitFor(() => aliceEvents.muteChanges.length === 1, 2000, 'video mute');
    expect(aliceEvents.muteChanges[0]).toEqual({ trackId: 'bob_RongCloudRTC_video', muted: true });
    expect(aliceRoom.getRemoteTracks()).toHaveLength(2);
    await bob.leaveRoom(bobRoom);
    await alice.leaveRoom(aliceRoom);
  });

  it('returns the server refusal and REPERT_JOIN_ROOM on a second join', async () => {
    const relay = new MemoryRtcRelay();
    const alice = setup(relay, 'alice');
    const room = await join(alice);
    expect((await alice.joinRTCRoom(ROOM)).code).toBe(RCRTCCode.REPERT_JOIN_ROOM);
    expect((await alice.joinRTCRoom('bad room id')).code).toBe(RCRTCCode.PARAMS_ERROR);
    expect((await alice.getJoinedRoomInfo()).data).toEqual([{ deviceId: 'alice-device', roomId: ROOM, joinTime: expect.any(Number) }]);
    await alice.leaveRoom(room);
    expect((await alice.getJoinedRoomInfo()).data).toEqual([]);
    expect((await room.publish([])).code).toBe(RCRTCCode.NOT_IN_ROOM);
  });

  it('a throwing app listener does not break delivery', async () => {
    const relay = new MemoryRtcRelay();
    const alice = setup(relay, 'alice');
    const bob = setup(relay, 'bob');
    const aliceRoom = await join(alice);
    const seen: string[] = [];
    aliceRoom.registerRoomEventListener({
      onTrackPublish: (tracks) => {
        seen.push(...tracks.map((t) => t.getTrackId()));
        throw new Error('app bug');
      },
    });
    const bobRoom = await join(bob);
    const { track } = await bob.createCameraVideoTrack();
    await bobRoom.publish([track!]);
    await waitFor(() => seen.length === 1, 2000, 'onTrackPublish');
    const { track: audio } = await bob.createMicrophoneAudioTrack();
    await bobRoom.publish([audio!]);
    await waitFor(() => seen.length === 2, 2000, 'second onTrackPublish');
    expect(seen).toEqual(['bob_RongCloudRTC_video', 'bob_RongCloudRTC_audio']);
    await bob.leaveRoom(bobRoom);
    await alice.leaveRoom(aliceRoom);
  });
});
