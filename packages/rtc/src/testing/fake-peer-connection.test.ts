/** The WebRTC test kit keeps the browser's rules, so code that breaks them fails in unit tests too. */
import { describe, expect, it } from 'vitest';
import { FakeMediaTrack } from '../media/fake-media.js';
import { FakeMediaStream } from './fake-media-stream.js';
import { FakePeerConnection } from './fake-peer-connection.js';
import { readFakeSdp } from './fake-sdp-media.js';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FakePeerConnection', () => {
  it('walks the offer/answer states and refuses what browsers refuse', async () => {
    const caller = new FakePeerConnection();
    const callee = new FakePeerConnection();
    await expect(callee.addIceCandidate({ candidate: 'x' })).rejects.toThrow(/no remote description/);
    await expect(caller.setRemoteDescription({ type: 'answer', sdp: 'v=0' })).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(caller.createAnswer()).rejects.toMatchObject({ name: 'InvalidStateError' });

    caller.addTrack(new FakeMediaTrack('audio'), new FakeMediaStream('s1'));
    await caller.setLocalDescription();
    expect(caller.signalingState).toBe('have-local-offer');
    await callee.setRemoteDescription(caller.localDescription!);
    expect(callee.signalingState).toBe('have-remote-offer');
    await expect(callee.setLocalDescription({ type: 'offer', sdp: 'v=0' })).rejects.toMatchObject({ name: 'InvalidStateError' });
    await callee.setLocalDescription();
    await caller.setRemoteDescription(callee.localDescription!);
    expect([caller.signalingState, callee.signalingState]).toEqual(['stable', 'stable']);
    expect(readFakeSdp(callee.localDescription!.sdp!).sections.map((s) => s.direction)).toEqual(['recvonly']);
  });

  it('a remote offer rolls a local one back (implicit rollback), and its changes ask for negotiation again', async () => {
    const pc = new FakePeerConnection();
    let needed = 0;
    pc.onnegotiationneeded = () => {
      needed += 1;
    };
    pc.addTrack(new FakeMediaTrack('video'), new FakeMediaStream());
    pc.createDataChannel('a');
    await nextTask();
    expect(needed).toBe(1); // coalesced
    await pc.setLocalDescription();
    const remote = new FakePeerConnection();
    remote.addTrack(new FakeMediaTrack('audio'), new FakeMediaStream('remote-stream'));
    await pc.setRemoteDescription(await remote.createOffer());
    expect(pc.signalingState).toBe('have-remote-offer');
    await pc.setLocalDescription();
    expect(pc.signalingState).toBe('stable');
    await nextTask();
    expect(needed).toBe(2);
  });

  it('raises track and removetrack from the remote msid lines', async () => {
    const sender = new FakePeerConnection();
    const receiver = new FakePeerConnection();
    const tracks: string[] = [];
    let stream: FakeMediaStream | undefined;
    receiver.ontrack = (event) => {
      tracks.push(event.track.kind);
      stream = event.streams[0];
    };
    const audio = sender.addTrack(new FakeMediaTrack('audio'), new FakeMediaStream('alice_RongCloudRTC'));
    await sender.setLocalDescription();
    await receiver.setRemoteDescription(sender.localDescription!);
    expect(tracks).toEqual(['audio']);
    expect(stream?.id).toBe('alice_RongCloudRTC');
    const removed: string[] = [];
    stream!.onremovetrack = (event) => removed.push(event.track.kind);
    await receiver.setLocalDescription();
    await sender.setRemoteDescription(receiver.localDescription!);
    sender.removeTrack(audio);
    await sender.setLocalDescription();
    await receiver.setRemoteDescription(sender.localDescription!);
    expect(removed).toEqual(['audio']);
  });

  it('scripts ICE and DTLS states, candidates and inbound packets; ICE restarts change the credentials', async () => {
    const pc = new FakePeerConnection({ bundlePolicy: 'max-bundle' });
    const seen: string[] = [];
    pc.oniceconnectionstatechange = () => seen.push(`ice ${pc.iceConnectionState}`);
    pc.onconnectionstatechange = () => seen.push(`pc ${pc.connectionState}`);
    pc.onicecandidate = (event) => seen.push(event.candidate ? 'candidate' : 'end');
    pc.script.connect().disconnect().fail();
    pc.script.gather();
    pc.script.endOfCandidates();
    expect(seen).toEqual([
      'ice checking',
      'pc connecting',
      'ice connected',
      'pc connected',
      'ice disconnected',
      'pc disconnected',
      'ice failed',
      'pc failed',
      'candidate',
      'end',
    ]);
    pc.script.receive(7, 'video');
    pc.extraStats.set('pair', { type: 'candidate-pair', state: 'succeeded' });
    const stats = [...(await pc.getStats()).values()];
    expect(stats).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'inbound-rtp', kind: 'video', packetsReceived: 7 }),
        expect.objectContaining({ id: 'pair', type: 'candidate-pair' }),
      ]),
    );
    const ufrag = pc.iceUfrag;
    pc.restartIce();
    expect([pc.restartIceCalls, pc.iceUfrag !== ufrag]).toEqual([1, true]);
    expect(() => pc.setConfiguration({ bundlePolicy: 'balanced' })).toThrow(/bundlePolicy/);
    pc.close();
    pc.script.ice('connected');
    expect(seen).toHaveLength(10); // no event after close
    expect(() => pc.setConfiguration({})).toThrow(/closed/);
  });
});
