/**
 * P2PTransport between two users through the memory relay (the real signaling port over a fake
 * plugin context) and the WebRTC test kit: tracks and owner mutes reach the other side, and a broken
 * link recovers — an ICE restart first, then a new connection (relink) that keeps the remote tracks —
 * or is reported lost when nothing brings it back. A signal given while the IM link is down is sent
 * once it is back.
 */
import { RCRTCCode } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMediaTrack } from '../../media/fake-media.js';
import { createFakeMediaStream } from '../../testing/fake-media-stream.js';
import { type FakePeerConnection, fakePeerConnections } from '../../testing/fake-peer-connection.js';
import { MemoryRtcRelay, waitFor } from '../../testing/memory-rtc-relay.js';
import { recordTransportEvents } from '../../testing/transport-event-log.js';
import type { LocalTrackHandle } from '../media-transport.js';
import type { LinkRecoveryPolicy } from '../recovery/link-recovery.js';
import { createRoomSignaling } from '../room-signaling.js';
import { P2PTransport } from './p2p-transport.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ROOM = 'call_p2p';
/** Short windows; a relink window still spans three media samples (250 ms apart), as the real one does. */
const FAST_RECOVERY: LinkRecoveryPolicy = { restartWindowMs: 80, maxRestarts: 1, relinkWindowMs: 700, maxRelinks: 1 };

function handle(userId: string, kind: 'audio' | 'video', muted = false): LocalTrackHandle {
  const streamId = `${userId}_RongCloudRTC`;
  return { trackId: `${streamId}_${kind}`, streamId, tag: 'RongCloudRTC', kind, track: new FakeMediaTrack(kind), muted };
}

const transports: P2PTransport[] = [];
const timers: ReturnType<typeof setInterval>[] = [];
afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(transports.splice(0).map((t) => t.leave()));
});

/** One user's transport, its connections and a log of its events. */
function user(relay: MemoryRtcRelay, userId: string) {
  const context = relay.createContext(userId);
  const pcs = fakePeerConnections();
  const transport = new P2PTransport(
    { signaling: createRoomSignaling(context), logger: quiet },
    { createPeerConnection: pcs.create, createMediaStream: createFakeMediaStream, recoveryPolicy: FAST_RECOVERY },
  );
  transports.push(transport);
  const events = recordTransportEvents(transport);
  /** The live connection (the last one made). */
  const pc = (): FakePeerConnection => pcs.created.at(-1)!;
  return { context, transport, pcs, events, pc };
}

/** Keeps media arriving on every connection made so far and later (the tests' "network works"). */
function mediaFlows(...users: ReturnType<typeof user>[]): void {
  const tick = () => {
    for (const u of users) for (const pc of u.pcs.created) pc.script.receive(5);
  };
  timers.push(setInterval(tick, 40));
}

describe('P2PTransport', () => {
  it('connects two users: tracks and mutes both ways, mutes replayed to a later peer, leave tells the other', async () => {
    const relay = new MemoryRtcRelay();
    const alice = user(relay, 'alice');
    const bob = user(relay, 'bob');
    expect(await alice.transport.join(ROOM)).toEqual({ code: RCRTCCode.SUCCESS, userIds: [] });
    expect((await alice.transport.publish([handle('alice', 'audio', true)])).code).toBe(RCRTCCode.SUCCESS);
    expect(await bob.transport.join(ROOM)).toEqual({ code: RCRTCCode.SUCCESS, userIds: ['alice'] });
    await waitFor(() => alice.events.includes('peerJoined bob'), 2000, 'peer_joined at alice');
    expect(bob.pcs.created[0]!.dataChannels).toEqual(['opencall']); // the joiner offers first

    await waitFor(() => bob.events.includes('remoteTrackMedia alice_RongCloudRTC_audio'), 2000, "alice's audio at bob");
    expect(bob.events).toContain('remoteTrackPublished alice_RongCloudRTC_audio muted');

    await bob.transport.publish([handle('bob', 'video')]);
    await waitFor(() => alice.events.includes('remoteTrackMedia bob_RongCloudRTC_video'), 2000, "bob's video at alice");
    await bob.transport.setTrackMuted('bob_RongCloudRTC_video', true);
    await waitFor(() => alice.events.includes('remoteTrackState bob_RongCloudRTC_video true'), 2000, "bob's mute at alice");

    await bob.transport.leave();
    await waitFor(() => alice.events.includes('peerLeft bob'), 2000, 'peer_left at alice');
    expect(alice.events.indexOf('remoteTrackUnpublished bob_RongCloudRTC_video')).toBeLessThan(alice.events.indexOf('peerLeft bob'));
    expect(alice.pcs.created[0]!.signalingState).toBe('closed');
  });

  it('a broken link restarts ICE, then relinks (the remote replaces its connection too), and keeps the remote tracks', async () => {
    const relay = new MemoryRtcRelay();
    const alice = user(relay, 'alice');
    const bob = user(relay, 'bob');
    await alice.transport.join(ROOM);
    await alice.transport.publish([handle('alice', 'audio'), handle('alice', 'video')]);
    await bob.transport.join(ROOM);
    await waitFor(() => bob.events.includes('remoteTrackMedia alice_RongCloudRTC_audio'), 2000, "alice's audio at bob");
    mediaFlows(alice, bob);
    alice.pc().script.connect();
    bob.pc().script.connect();

    // Alice's path breaks and stays broken: one ICE restart, then alice (the impolite side: 'alice' < 'bob') relinks.
    alice.pc().script.disconnect();
    await waitFor(() => alice.pcs.created.length === 2 && bob.pcs.created.length === 2, 2000, 'a new connection on both sides');
    expect(alice.pcs.created[0]!.restartIceCalls).toBe(1);
    expect(relay.requests.some((r) => r.userId === 'alice' && r.body.t === 'rtc.signal' && r.body.signal.kind === 'relink')).toBe(true);
    expect(alice.pcs.created[0]!.signalingState).toBe('closed');
    expect(bob.pcs.created[0]!.signalingState).toBe('closed');

    // The new connection negotiates (generation 1) and alice's audio arrives again at bob, as the same track.
    await waitFor(() => bob.events.filter((e) => e === 'remoteTrackMedia alice_RongCloudRTC_audio').length === 2, 2000, 'media again');
    expect(bob.events.filter((e) => e.startsWith('remoteTrackPublished'))).toEqual([
      'remoteTrackPublished alice_RongCloudRTC_audio',
      'remoteTrackPublished alice_RongCloudRTC_video',
    ]);
    expect(bob.events.filter((e) => e.startsWith('remoteTrackUnpublished'))).toHaveLength(0);
    alice.pc().script.connect();
    bob.pc().script.connect();
    // Recovered: alice's video sender on the new connection starts over with a key frame.
    const video = alice
      .pc()
      .getSenders()
      .find((sender) => sender.track?.kind === 'video')!;
    await waitFor(() => video.parameters.some((p) => p.encodings[0]?.active === false), 2000, 'a key frame after recovery');
    expect(video.getParameters().encodings[0]?.active).toBe(true);
    expect([...alice.events, ...bob.events].filter((e) => e.startsWith('connectionLost'))).toEqual([]);
    expect(alice.pcs.created).toHaveLength(2);
  });

  it('inbound media that stops while ICE still says connected is trouble too: the link restarts ICE', async () => {
    const relay = new MemoryRtcRelay();
    const alice = user(relay, 'alice');
    const bob = user(relay, 'bob');
    await alice.transport.join(ROOM);
    await alice.transport.publish([handle('alice', 'audio')]);
    await bob.transport.join(ROOM);
    await waitFor(() => bob.events.includes('remoteTrackMedia alice_RongCloudRTC_audio'), 2000, "alice's audio at bob");
    const pc = bob.pc();
    pc.script.connect();
    const flowing = setInterval(() => pc.script.receive(5), 40);
    timers.push(flowing);
    const sampled = pc.getStatsCalls;
    await waitFor(() => pc.getStatsCalls >= sampled + 3, 3000, 'samples of growing packet counts');
    expect(pc.restartIceCalls).toBe(0);
    clearInterval(flowing); // the path died under a still-connected ICE (as Chrome reports it for ≈5 s)
    await waitFor(() => pc.restartIceCalls === 1, 3000, 'an ICE restart on stalled media');
    expect(pc.iceConnectionState).toBe('connected');
  });

  it('a link that no restart or relink brings back is reported lost, once', async () => {
    const relay = new MemoryRtcRelay();
    const alice = user(relay, 'alice');
    const bob = user(relay, 'bob');
    await alice.transport.join(ROOM);
    await bob.transport.join(ROOM);
    await waitFor(() => alice.pcs.created[0]?.remoteDescription != null, 2000, 'negotiated');
    alice.pc().script.connect();
    alice.pc().script.fail();
    await waitFor(() => alice.events.includes('connectionLost bob'), 3000, 'connection lost');
    expect(alice.pcs.created[0]!.restartIceCalls).toBe(1);
    expect(alice.pcs.created.length).toBe(2); // one relink (maxRelinks 1), then given up
    expect(alice.events.filter((e) => e.startsWith('connectionLost'))).toEqual(['connectionLost bob']);
  });

  it("an ICE restart's offer given while the IM link is down reaches the peer once it is back", async () => {
    const relay = new MemoryRtcRelay();
    const alice = user(relay, 'alice');
    const bob = user(relay, 'bob');
    await alice.transport.join(ROOM);
    await bob.transport.join(ROOM);
    await waitFor(() => alice.pcs.created[0]?.remoteDescription != null && alice.pc().signalingState === 'stable', 2000, 'negotiated');
    const offers = () =>
      relay.requests.filter((r) => r.userId === 'bob' && r.body.t === 'rtc.signal' && r.body.signal.kind === 'description');
    const before = offers().length;
    bob.context.linkDown = true;
    bob.pc().restartIce();
    await waitFor(() => relay.refused.some((r) => r.userId === 'bob' && r.body.t === 'rtc.signal'), 2000, 'the offer refused');
    bob.context.linkDown = false;
    await waitFor(() => offers().length === before + 1, 3000, 'the offer sent again');
    await waitFor(() => alice.pc().remoteDescription?.sdp?.includes(`a=ice-ufrag:${bob.pc().iceUfrag}`) === true, 2000, 'applied');
  });
});
