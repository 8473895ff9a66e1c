import { describe, expect, it } from 'vitest';
import { candidateProblem, roomEventProblem, sdpProblem, sfuRequestProblem, signalProblem } from './media-checks.js';

const SDP = ['v=0', 'o=- 4611 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', ''].join('\r\n');
const HOST = 'candidate:842163049 1 udp 2122260223 192.168.1.10 53086 typ host generation 0 ufrag Xk3o network-id 1';
const MDNS = 'candidate:1 1 udp 2122262783 3f1d2c4e-8a9b-4c1d-9e2f-0123456789ab.local 54321 typ host generation 0';
const IPV6_TCP = 'candidate:3 1 tcp 1518280447 2001:db8::1 9 typ host tcptype active';
const RELAY = 'candidate:4 1 udp 41885439 203.0.113.5 3478 typ relay raddr 0.0.0.0 rport 0';

describe('sdpProblem', () => {
  it('accepts SDP as browsers write it (CRLF or LF, trailing newline or not)', () => {
    expect(sdpProblem(SDP)).toBeUndefined();
    expect(sdpProblem(SDP.replaceAll('\r\n', '\n'))).toBeUndefined();
    expect(sdpProblem('v=0')).toBeUndefined();
  });

  it('refuses what is not SDP, naming the line', () => {
    expect(sdpProblem(undefined)).toBe('description.sdp must start with v=0');
    expect(sdpProblem('')).toBe('description.sdp must start with v=0');
    expect(sdpProblem('hello v=0')).toBe('description.sdp must start with v=0');
    expect(sdpProblem('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nnot a line\r\n')).toBe('description.sdp line 3 is not an SDP line');
    expect(sdpProblem('v=0\r\na=x\u0000y\r\n')).toBe('description.sdp line 2 is not an SDP line');
    expect(sdpProblem('v=0\r\n\r\na=x')).toBe('description.sdp line 2 is not an SDP line');
  });
});

describe('candidateProblem', () => {
  it('accepts host (IPv4, IPv6, mDNS), tcp and relay candidates, and the end-of-candidates marks', () => {
    for (const candidate of [HOST, MDNS, IPV6_TCP, RELAY]) expect(candidateProblem({ candidate }), candidate).toBeUndefined();
    expect(candidateProblem(null)).toBeUndefined();
    expect(candidateProblem({ candidate: '' })).toBeUndefined();
  });

  it('refuses what is not a candidate line', () => {
    for (const candidate of [
      'x',
      'candidate:',
      'a=candidate:1 1 udp 1 1.2.3.4 5 typ host',
      'candidate:1 1 sctp 1 1.2.3.4 5 typ host',
      'candidate:1 1 udp 1 evil.example.com 5 typ host',
      'candidate:1 1 udp 1 1.2.3.4 5 typ other',
      'candidate:1 1 udp 1 1.2.3.4 notaport typ host',
    ]) {
      expect(candidateProblem({ candidate }), candidate).toBe('candidate is not an ICE candidate line');
    }
  });
});

describe('one rule for both media paths', () => {
  it('P2P signals: descriptions carry SDP (not rollback), candidates are candidate lines', () => {
    expect(signalProblem({ kind: 'description', description: { type: 'offer', sdp: SDP } })).toBeUndefined();
    expect(signalProblem({ kind: 'description', description: { type: 'rollback' } })).toBeUndefined();
    expect(signalProblem({ kind: 'description', description: { type: 'answer' } })).toBe('description.sdp must start with v=0');
    expect(signalProblem({ kind: 'description', description: { type: 'offer', sdp: 'v=0\r\nbad' } })).toMatch(/line 2/);
    expect(signalProblem({ kind: 'candidate', candidate: { candidate: MDNS } })).toBeUndefined();
    expect(signalProblem({ kind: 'candidate', candidate: { candidate: 'bogus' } })).toBe('candidate is not an ICE candidate line');
    expect(signalProblem({ kind: 'relink', generation: 1 })).toBeUndefined();
    expect(signalProblem({ kind: 'track_state', trackId: 't', muted: true })).toBeUndefined();
  });

  it('SFU requests: publish an offer, start with an answer, trickle candidate lines', () => {
    const base = { rid: 1, roomId: 'c1' };
    expect(sfuRequestProblem({ ...base, t: 'sfu.publish', description: { type: 'offer', sdp: SDP } })).toBeUndefined();
    expect(sfuRequestProblem({ ...base, t: 'sfu.publish', description: { type: 'answer', sdp: SDP } })).toBe(
      'sfu.publish carries an offer',
    );
    expect(sfuRequestProblem({ ...base, t: 'sfu.start', feedUserId: 'b', description: { type: 'answer', sdp: SDP } })).toBeUndefined();
    expect(sfuRequestProblem({ ...base, t: 'sfu.start', feedUserId: 'b', description: { type: 'offer', sdp: SDP } })).toBe(
      'sfu.start carries an answer',
    );
    expect(sfuRequestProblem({ ...base, t: 'sfu.start', feedUserId: 'b', description: { type: 'answer', sdp: 'x' } })).toMatch(/v=0/);
    expect(sfuRequestProblem({ ...base, t: 'sfu.trickle', candidate: { candidate: HOST } })).toBeUndefined();
    expect(sfuRequestProblem({ ...base, t: 'sfu.trickle', candidate: { candidate: 'x' } })).toMatch(/not an ICE candidate/);
    expect(sfuRequestProblem({ ...base, t: 'sfu.subscribe', feedUserId: 'b' })).toBeUndefined();
  });

  it('room events reaching the SDK: signals and SFU candidates are checked, the rest passes', () => {
    const from = { roomId: 'c1', fromUserId: 'b', fromDeviceId: 'd' };
    expect(roomEventProblem({ type: 'rtc.signal', ...from, signal: { kind: 'candidate', candidate: { candidate: 'x' } } })).toBeDefined();
    expect(roomEventProblem({ type: 'rtc.signal', ...from, signal: { kind: 'candidate', candidate: null } })).toBeUndefined();
    expect(roomEventProblem({ type: 'sfu.trickle', roomId: 'c1', candidate: { candidate: 'x' } })).toBeDefined();
    expect(roomEventProblem({ type: 'sfu.trickle', roomId: 'c1', candidate: { candidate: RELAY } })).toBeUndefined();
    expect(roomEventProblem({ type: 'sfu.feed', roomId: 'c1', userId: 'b' })).toBeUndefined();
    expect(roomEventProblem({ type: 'rtc.peer_left', roomId: 'c1', userId: 'b' })).toBeUndefined();
  });
});
