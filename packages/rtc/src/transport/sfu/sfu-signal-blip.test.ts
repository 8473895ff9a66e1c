/**
 * The SFU's signals go through the same retrying signaling port as P2P's: a mute (a `track_state`
 * signal) given while the IM link is down reaches the other participant once the link is back.
 * Before the one signaling path, the SFU transport sent it once and it was lost.
 */
import { RCRTCCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { createRTCInstaller } from '../../installer.js';
import { FakeMediaCapture } from '../../media/fake-media.js';
import { FakeMediaStream } from '../../testing/fake-media-stream.js';
import { FakePeerConnection } from '../../testing/fake-peer-connection.js';
import { MemoryRtcRelay, waitFor } from '../../testing/memory-rtc-relay.js';
import type { RCRemoteTrack } from '../../tracks/remote-tracks.js';

const ROOM = 'call_sfu_blip';

function client(relay: MemoryRtcRelay, userId: string) {
  const context = relay.createContext(userId);
  const rtc = createRTCInstaller({
    capture: new FakeMediaCapture(),
    webrtc: { RTCPeerConnection: FakePeerConnection as never, MediaStream: FakeMediaStream as never },
  }).setup(context, { tag: 'node' }, {});
  return { context, rtc };
}

describe('SFU signals during an IM link blip', () => {
  it('an owner mute sent while the link is down reaches the other side once it is back', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = client(relay, 'alice');
    const bob = client(relay, 'bob');
    const aliceRoom = (await alice.rtc.joinRTCRoom(ROOM)).room!;
    const bobJoin = await bob.rtc.joinRTCRoom(ROOM);
    expect(bobJoin.code).toBe(RCRTCCode.SUCCESS);
    const published: RCRemoteTrack[] = [];
    const mutes: boolean[] = [];
    bobJoin.room!.registerRoomEventListener({
      onTrackPublish: (tracks) => published.push(...tracks),
      onAudioMuteChange: (track) => mutes.push(track.isOwnerMuted()),
    });

    const { track } = await alice.rtc.createMicrophoneAudioTrack();
    expect((await aliceRoom.publish([track!])).code).toBe(RCRTCCode.SUCCESS);
    await waitFor(() => published.length === 1, 2000, "bob sees alice's audio through the SFU");
    expect(published[0]!.getTrackId()).toBe('alice_RongCloudRTC_audio');

    alice.context.linkDown = true;
    const muted = track!.mute();
    await waitFor(
      () => relay.refused.some((r) => r.body.t === 'rtc.signal' && r.body.signal.kind === 'track_state'),
      2000,
      'the mute to be tried while the link is down',
    );
    expect(mutes).toEqual([]);
    alice.context.linkDown = false;
    await muted;
    await waitFor(() => mutes.length === 1, 3000, "bob's onAudioMuteChange");
    expect(mutes).toEqual([true]);
    expect(published[0]!.isOwnerMuted()).toBe(true);
  });
});
