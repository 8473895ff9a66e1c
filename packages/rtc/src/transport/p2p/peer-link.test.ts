/**
 * PeerLink negotiation between two links over the WebRTC test kit: the initiator's first offer, tracks
 * both ways, an offer collision (perfect negotiation: the impolite side keeps its offer, the polite
 * one rolls back and answers), candidates, a removed track, ICE restarts and the state machine
 * following the connection state.
 */
import type { RtcSignal } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMediaTrack } from '../../media/fake-media.js';
import { createFakeMediaStream } from '../../testing/fake-media-stream.js';
import { FakePeerConnection } from '../../testing/fake-peer-connection.js';
import { waitFor } from '../../testing/memory-rtc-relay.js';
import type { LocalTrackHandle } from '../media-transport.js';
import { PeerLink } from './peer-link.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function handle(userId: string, kind: 'audio' | 'video'): LocalTrackHandle {
  return {
    trackId: `${userId}_RongCloudRTC_${kind}`,
    streamId: `${userId}_RongCloudRTC`,
    tag: 'RongCloudRTC',
    kind,
    track: new FakeMediaTrack(kind),
    muted: false,
  };
}

interface Side {
  link: PeerLink;
  pc: FakePeerConnection;
  /** Signals this side sent, by kind. */
  sent: RtcSignal['kind'][];
  /** `tag/kind` of remote tracks received, and removed. */
  received: string[];
  removed: string[];
}

const links: PeerLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

/** Two links between alice (joins later: initiator, impolite) and bob (polite), signals delivered asynchronously. */
function pair(): { alice: Side; bob: Side; deliver: { paused: boolean; flush(): void } } {
  const held: (() => void)[] = [];
  const deliver = {
    paused: false,
    flush: () => {
      for (const send of held.splice(0)) send();
    },
  };
  const sides: Partial<Record<'alice' | 'bob', Side>> = {};
  const make = (self: 'alice' | 'bob', remote: 'alice' | 'bob'): Side => {
    let pc: FakePeerConnection | undefined;
    const side = { sent: [], received: [], removed: [] } as unknown as Side;
    side.link = new PeerLink({
      selfUserId: self,
      remoteUserId: remote,
      initiator: self === 'alice',
      iceServers: [],
      logger: quiet,
      send: (signal) => {
        side.sent.push(signal.kind);
        const go = () => setTimeout(() => void sides[remote]!.link.handleSignal(signal), 0);
        if (deliver.paused) held.push(go);
        else go();
      },
      createPeerConnection: (config) => {
        pc = new FakePeerConnection(config);
        return pc as unknown as RTCPeerConnection;
      },
      createMediaStream: createFakeMediaStream,
    });
    side.pc = pc!;
    side.link.on('remoteTrack', (tag, kind) => side.received.push(`${tag}/${kind}`));
    side.link.on('remoteTrackRemoved', (tag, kind) => side.removed.push(`${tag}/${kind}`));
    links.push(side.link);
    return side;
  };
  sides.alice = make('alice', 'bob');
  sides.bob = make('bob', 'alice');
  return { alice: sides.alice, bob: sides.bob, deliver };
}

const stable = (...sides: Side[]) => sides.every((s) => s.pc.signalingState === 'stable' && s.pc.remoteDescription !== null);

describe('PeerLink negotiation', () => {
  it('the initiator offers first (a data channel), then tracks flow both ways under the owner stream id', async () => {
    const { alice, bob } = pair();
    expect([alice.link.polite, bob.link.polite]).toEqual([false, true]);
    bob.link.addLocalTrack(handle('bob', 'audio')); // before the first offer: deferred until it was answered
    alice.link.start();
    bob.link.start();
    expect(alice.pc.dataChannels).toEqual(['opencall']);
    await waitFor(() => alice.received.length === 1, 2000, "bob's deferred track at alice");
    expect(alice.received).toEqual(['RongCloudRTC/audio']);
    expect(bob.sent[0]).toBe('description');
    expect(bob.pc.localDescription?.type).toBe('offer');

    alice.link.addLocalTrack(handle('alice', 'audio'));
    alice.link.addLocalTrack(handle('alice', 'video'));
    await waitFor(() => bob.received.length === 2 && stable(alice, bob), 2000, "alice's tracks at bob");
    expect(bob.received).toEqual(['RongCloudRTC/audio', 'RongCloudRTC/video']);
    // The wire carries the owner's stream id, not the local MediaStream's.
    expect(alice.pc.localDescription?.sdp).toContain('a=msid:fake-stream-');
    expect(bob.pc.remoteDescription?.sdp).toContain('a=msid:alice_RongCloudRTC ');
  });

  it('an offer collision ends with both offers applied: the polite side rolls back, the impolite one keeps its own', async () => {
    const { alice, bob, deliver } = pair();
    alice.link.start();
    bob.link.start();
    await waitFor(() => stable(alice, bob), 2000, 'the first negotiation');

    deliver.paused = true;
    alice.link.addLocalTrack(handle('alice', 'video'));
    bob.link.addLocalTrack(handle('bob', 'video'));
    await waitFor(() => alice.pc.signalingState === 'have-local-offer' && bob.pc.signalingState === 'have-local-offer', 2000, 'two offers');
    deliver.paused = false;
    deliver.flush();

    await waitFor(() => alice.received.length === 1 && bob.received.length === 1 && stable(alice, bob), 2000, 'both tracks after glare');
    expect(alice.received).toEqual(['RongCloudRTC/video']);
    expect(bob.received).toEqual(['RongCloudRTC/video']);
  });

  it('candidates reach the other side once it has a description; a removed track is removed there', async () => {
    const { alice, bob } = pair();
    alice.link.start();
    bob.link.start();
    const track = handle('alice', 'audio');
    alice.link.addLocalTrack(track);
    await waitFor(() => bob.received.length === 1 && stable(alice, bob), 2000, 'the audio track');
    const line = alice.pc.script.gather();
    alice.pc.script.endOfCandidates();
    await waitFor(() => bob.pc.remoteCandidates.length === 2, 2000, 'the candidates');
    expect(bob.pc.remoteCandidates[0]?.candidate).toBe(line);
    expect(bob.pc.remoteCandidates[1]).toBeNull();

    alice.link.removeLocalTrack(track.trackId);
    await waitFor(() => bob.removed.length === 1, 2000, 'the removed track');
    expect(bob.removed).toEqual(['RongCloudRTC/audio']);
  });

  it('a track unpublished and published again in one go (camera switch) keeps its sender: no removal at the other side', async () => {
    const { alice, bob } = pair();
    alice.link.start();
    bob.link.start();
    const first = handle('alice', 'video');
    alice.link.addLocalTrack(first);
    await waitFor(() => bob.received.length === 1 && stable(alice, bob), 2000, 'the first camera');
    const sender = alice.pc.getSenders()[0];
    const second = handle('alice', 'video');
    alice.link.removeLocalTrack(first.trackId);
    alice.link.addLocalTrack(second);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alice.pc.getSenders()).toEqual([sender]);
    expect(sender?.track).toBe(second.track);
    expect(bob.removed).toEqual([]);
    expect(bob.received).toEqual(['RongCloudRTC/video']);

    // Unpublished alone, the sender goes at the end of the task and the other side removes the track.
    alice.link.removeLocalTrack(second.trackId);
    await waitFor(() => bob.removed.length === 1, 2000, 'the removed camera');
    expect(bob.removed).toEqual(['RongCloudRTC/video']);
  });

  it('follows the connection state, restarts ICE with new credentials, and reports trouble and health', async () => {
    const { alice, bob } = pair();
    const states: string[] = [];
    const health: string[] = [];
    alice.link.on('stateChange', (s) => states.push(s));
    alice.link.on('trouble', (reason) => health.push(`trouble: ${reason}`));
    alice.link.on('healthy', () => health.push('healthy'));
    alice.link.start();
    bob.link.start();
    await waitFor(() => stable(alice, bob), 2000, 'the first negotiation');
    alice.pc.script.connect();
    expect(alice.link.isHealthy()).toBe(true);
    alice.pc.script.fail();
    expect(alice.link.state).toBe('failed');
    expect(alice.link.isHealthy()).toBe(false);

    const ufrag = alice.pc.iceUfrag;
    alice.link.restartIce();
    expect(alice.link.state).toBe('connecting');
    expect(alice.pc.restartIceCalls).toBe(1);
    await waitFor(() => stable(alice, bob) && alice.sent.filter((k) => k === 'description').length >= 2, 2000, 'the restart offer');
    expect(alice.pc.iceUfrag).not.toBe(ufrag);
    expect(bob.pc.remoteDescription?.sdp).toContain(`a=ice-ufrag:${alice.pc.iceUfrag}`);
    alice.pc.script.connect();
    expect(states).toEqual(['connecting', 'connected', 'failed', 'connecting', 'connected']);
    expect(health).toEqual(['healthy', 'trouble: ICE failed', 'healthy']);

    alice.link.close();
    expect(alice.link.state).toBe('closed');
    expect(alice.pc.signalingState).toBe('closed');
    expect(alice.link.isHealthy()).toBe(false);
  });
});
