/**
 * SfuTransport through the memory relay playing the SFU (the real signaling port over a fake plugin
 * context) and the WebRTC test kit: publish and subscribe, candidates held until the SFU knows the
 * connection (a subscription's not until its `sfu.start` is answered), owner mutes (also to a later joiner), recovery of the publisher (ICE restart, then a
 * fresh connection the subscribers follow, then lost) and of a subscription (made anew, same remote
 * tracks), a publish given while the IM link is down, and key frames on the SFU's request.
 */
import { RCRTCCode } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMediaTrack } from '../../media/fake-media.js';
import { fakePeerConnections } from '../../testing/fake-peer-connection.js';
import { MemoryRtcRelay, waitFor } from '../../testing/memory-rtc-relay.js';
import { recordTransportEvents } from '../../testing/transport-event-log.js';
import type { LocalTrackHandle } from '../media-transport.js';
import { ModeSelectingTransport } from '../mode-selecting-transport.js';
import type { LinkRecoveryPolicy } from '../recovery/link-recovery.js';
import { createRoomSignaling } from '../room-signaling.js';
import { SfuTransport } from './sfu-transport.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ROOM = 'call_sfu';
const FAST_RECOVERY: LinkRecoveryPolicy = { restartWindowMs: 80, maxRestarts: 1, relinkWindowMs: 700, maxRelinks: 1 };

function handle(userId: string, kind: 'audio' | 'video', muted = false): LocalTrackHandle {
  const streamId = `${userId}_RongCloudRTC`;
  return { trackId: `${streamId}_${kind}`, streamId, tag: 'RongCloudRTC', kind, track: new FakeMediaTrack(kind), muted };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

type RelayContext = ReturnType<MemoryRtcRelay['createContext']>;

/** Joins `userId` to the SFU room and makes its transport, with a log of its events. `adjust`: changes its context first. */
async function member(relay: MemoryRtcRelay, userId: string, adjust?: (context: RelayContext) => void) {
  const context = relay.createContext(userId);
  adjust?.(context);
  const signaling = createRoomSignaling(context);
  const pcs = fakePeerConnections();
  const joined = await signaling.join(ROOM);
  expect(joined.mode).toBe('sfu');
  const transport = new SfuTransport({
    signaling,
    logger: quiet,
    roomId: ROOM,
    peers: joined.peers.map((p) => p.userId),
    createPeerConnection: pcs.create,
    recoveryPolicy: FAST_RECOVERY,
    signalRetry: { attempts: 40, delayMs: 25 },
  });
  const off = signaling.onRoomEvent(ROOM, (event) => transport.handleEvent(event));
  cleanups.push(async () => {
    off();
    await transport.leave();
  });
  const events = recordTransportEvents(transport);
  const count = (event: string) => events.filter((e) => e === event).length;
  return { context, transport, pcs, events, count };
}

describe('SfuTransport', () => {
  it('mode selection: the join answer picks the SFU or peer to peer, through the signaling port alone', async () => {
    for (const mode of ['sfu', 'p2p'] as const) {
      const relay = new MemoryRtcRelay({ mode });
      const pcs = fakePeerConnections();
      const signaling = createRoomSignaling(relay.createContext('alice'));
      const transport = new ModeSelectingTransport({ signaling, logger: quiet }, { createPeerConnection: pcs.create });
      expect(await transport.join(ROOM)).toEqual({ code: RCRTCCode.SUCCESS, userIds: [] });
      expect((await transport.publish([handle('alice', 'audio')])).code).toBe(RCRTCCode.SUCCESS);
      const published = relay.requests.filter((r) => r.body.t === 'sfu.publish');
      expect(published).toHaveLength(mode === 'sfu' ? 1 : 0);
      expect(pcs.created).toHaveLength(mode === 'sfu' ? 1 : 0); // P2P: no connection before a peer
      await transport.leave();
    }
  });

  it('publishes, subscribes to each feed, holds candidates until the SFU knows the connection, and drops a leaver', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    const bob = await member(relay, 'bob');
    const publishing = alice.transport.publish([handle('alice', 'audio'), handle('alice', 'video')]);
    alice.pcs.created[0]!.script.gather(); // before the SFU answered: held
    expect(relay.sfu!.trickled).toEqual([]);
    expect(await publishing).toEqual({ code: RCRTCCode.SUCCESS, failed: [] });
    await waitFor(() => relay.sfu!.trickled.includes('alice→publisher'), 2000, 'the held candidate');

    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_video') === 1, 2000, "alice's media at bob");
    expect(bob.events.filter((e) => e.startsWith('remoteTrackPublished'))).toEqual([
      'remoteTrackPublished alice_RongCloudRTC_audio',
      'remoteTrackPublished alice_RongCloudRTC_video',
    ]);
    await waitFor(() => relay.sfu!.started.length === 1, 2000, 'sfu.start');
    expect(relay.sfu!.started).toEqual([`${ROOM}/bob→alice`]);
    const subscription = bob.pcs.created.find((pc) => pc.remoteTracks().size === 2)!;
    subscription.script.gather();
    await waitFor(() => relay.sfu!.trickled.includes('bob→alice'), 2000, "the subscription's candidate");

    await alice.transport.unpublish(['alice_RongCloudRTC_video']);
    expect(relay.requests.filter((r) => r.userId === 'alice' && r.body.t === 'sfu.publish')).toHaveLength(2);

    await alice.transport.leave();
    await waitFor(() => bob.events.includes('peerLeft alice'), 2000, 'peer_left');
    expect(bob.count('remoteTrackUnpublished alice_RongCloudRTC_audio')).toBe(1);
    expect(subscription.signalingState).toBe('closed');
  });

  it('sfu.key_frame: every published video sender makes a key frame (encoding off and on); a burst costs two, audio none', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    expect((await alice.transport.publish([handle('alice', 'audio'), handle('alice', 'video')])).code).toBe(RCRTCCode.SUCCESS);
    const [audio, video] = alice.pcs.created[0]!.getSenders();
    const toggles = () => video!.parameters.map((p) => p.encodings[0]?.active);

    alice.transport.handleEvent({ type: 'sfu.key_frame', roomId: ROOM });
    await waitFor(() => toggles().length === 2, 2000, 'one key frame');
    expect(toggles()).toEqual([false, true]);

    // Three subscribers up at once: one key frame now, one more for those that came up during it.
    for (let i = 0; i < 3; i++) alice.transport.handleEvent({ type: 'sfu.key_frame', roomId: ROOM });
    await waitFor(() => toggles().length === 6, 2000, 'two more key frames');
    await new Promise((r) => setTimeout(r, 50));
    expect(toggles()).toEqual([false, true, false, true, false, true]);
    expect(audio!.parameters).toEqual([]);
  });

  it("a subscription's candidates go out while its sfu.start is unanswered (Janus holds them until the answer)", async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    expect((await alice.transport.publish([handle('alice', 'video')])).code).toBe(RCRTCCode.SUCCESS);
    let startAsked = false;
    let answerStart: () => void = () => {};
    const startAnswered = new Promise<void>((resolve) => (answerStart = resolve));
    const bob = await member(relay, 'bob', (context) => {
      const request = context.request;
      context.request = async (body) => {
        if (body.t === 'sfu.start') {
          startAsked = true;
          await startAnswered;
        }
        return request(body);
      };
    });
    await waitFor(() => startAsked, 2000, 'sfu.start asked');
    const subscription = bob.pcs.created.find((pc) => pc.remoteTracks().size === 1)!;
    subscription.script.gather();
    await waitFor(() => relay.sfu!.trickled.includes('bob→alice'), 2000, "the subscription's candidate");
    expect(relay.sfu!.started).toEqual([]);
    answerStart();
    await waitFor(() => relay.sfu!.started.length === 1, 2000, 'sfu.start answered');
  });

  it('owner mutes reach every user, a later joiner included (before or after its media)', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    await alice.transport.publish([handle('alice', 'audio', true)]);
    const bob = await member(relay, 'bob');
    await waitFor(() => alice.events.includes('peerJoined bob'), 2000, 'peer_joined');
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 1, 2000, "alice's audio at bob");
    const mutedAtBob = () =>
      bob.events.includes('remoteTrackPublished alice_RongCloudRTC_audio muted') ||
      bob.events.includes('remoteTrackState alice_RongCloudRTC_audio true');
    await waitFor(mutedAtBob, 2000, "alice's mute replayed to bob");
    await alice.transport.setTrackMuted('alice_RongCloudRTC_audio', false);
    await waitFor(() => bob.events.includes('remoteTrackState alice_RongCloudRTC_audio false'), 2000, 'the unmute');
  });

  it('a broken publisher restarts ICE, then starts over with a fresh connection the subscribers follow, then is lost', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    const bob = await member(relay, 'bob');
    await alice.transport.publish([handle('alice', 'audio')]);
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 1, 2000, "alice's audio at bob");
    const first = alice.pcs.created[0]!;
    first.script.connect();
    first.script.fail();

    const publishes = () => relay.requests.flatMap((r) => (r.userId === 'alice' && r.body.t === 'sfu.publish' ? [r.body] : []));
    await waitFor(() => publishes().length === 2, 2000, 'the ICE restart offer');
    expect(publishes()[1]!.description.sdp).toContain(`a=ice-ufrag:${first.iceUfrag}`);
    expect(publishes()[1]!.fresh).toBeUndefined();

    await waitFor(() => publishes().some((p) => p.fresh === true), 2000, 'a fresh publisher connection');
    expect(first.signalingState).toBe('closed');
    // The SFU announced the feed again: bob subscribed anew and the same track got media again.
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 2, 2000, 'media again at bob');
    expect(bob.events.filter((e) => e.startsWith('remoteTrackPublished'))).toHaveLength(2); // feed_gone, then feed
    await waitFor(() => alice.events.includes('connectionLost publisher'), 3000, 'given up');
  });

  it('a broken subscription is made anew and keeps its remote tracks', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    const bob = await member(relay, 'bob');
    await alice.transport.publish([handle('alice', 'audio')]);
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 1, 2000, "alice's audio at bob");
    const subscription = bob.pcs.created.at(-1)!;
    subscription.script.connect();
    subscription.script.fail();
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 2, 2000, 'a new subscription');
    expect(subscription.signalingState).toBe('closed');
    expect(relay.requests.filter((r) => r.userId === 'bob' && r.body.t === 'sfu.subscribe')).toHaveLength(2);
    expect(bob.events.filter((e) => e.startsWith('remoteTrack') && !e.startsWith('remoteTrackMedia'))).toEqual([
      'remoteTrackPublished alice_RongCloudRTC_audio',
    ]);
  });

  it('a publish given while the IM link is down goes through once it is back', async () => {
    const relay = new MemoryRtcRelay({ mode: 'sfu' });
    const alice = await member(relay, 'alice');
    const bob = await member(relay, 'bob');
    alice.context.linkDown = true;
    const publishing = alice.transport.publish([handle('alice', 'audio')]);
    await waitFor(() => relay.refused.some((r) => r.body.t === 'sfu.publish'), 2000, 'the publish refused');
    alice.context.linkDown = false;
    expect(await publishing).toEqual({ code: RCRTCCode.SUCCESS, failed: [] });
    await waitFor(() => bob.count('remoteTrackMedia alice_RongCloudRTC_audio') === 1, 2000, "alice's audio at bob");
  });
});
