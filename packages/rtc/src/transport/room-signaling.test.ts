import type { PluginContext, PluginLogger } from '@opencall/imlib';
import { checkReply, RCCallErrorCode, RCConnectionStatus, RCRTCCode, type ServerEvent, type UncheckedReply } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { createRoomSignaling, type RoomMediaEvent } from './room-signaling.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host';

function context(answer: UncheckedReply) {
  const listeners = new Set<(event: ServerEvent) => void>();
  const warnings: string[] = [];
  const logger: PluginLogger = { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
  const ctx: PluginContext = {
    getCurrentId: () => 'alice',
    getCurrentServer: () => undefined,
    getDeviceId: () => 'alice-d',
    getServerTime: () => Date.now(),
    getIceServers: () => [],
    onIceServersChange: () => () => undefined,
    getRingTimeoutMs: () => 60_000,
    getConnectionStatus: () => RCConnectionStatus.CONNECTED,
    request: async (body) => checkReply(body.t, answer).reply,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatusChange: () => () => undefined,
    onStreamReset: () => () => undefined,
    logger,
  };
  const emit = (event: ServerEvent) => {
    for (const listener of listeners) listener(event);
  };
  return { ctx, emit, warnings };
}

describe('room signaling checks SDP and candidates from the server (both media paths)', () => {
  it('passes well-formed signals and SFU candidates, drops malformed ones with a warning', () => {
    const { ctx, emit, warnings } = context({ code: RCCallErrorCode.SUCCESS });
    const got: RoomMediaEvent[] = [];
    createRoomSignaling(ctx).onRoomEvent('c1', (event) => got.push(event));
    const from = { roomId: 'c1', fromUserId: 'bob', fromDeviceId: 'bob-d' };
    emit({ type: 'rtc.signal', ...from, signal: { kind: 'description', description: { type: 'offer', sdp: SDP } } });
    emit({ type: 'rtc.signal', ...from, signal: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\nnot sdp' } } });
    emit({ type: 'rtc.signal', ...from, signal: { kind: 'candidate', candidate: { candidate: CANDIDATE } } });
    emit({ type: 'rtc.signal', ...from, signal: { kind: 'candidate', candidate: { candidate: 'bogus' } } });
    emit({ type: 'sfu.trickle', roomId: 'c1', candidate: { candidate: 'bogus' } });
    emit({ type: 'sfu.trickle', roomId: 'c1', candidate: null });
    emit({ type: 'sfu.feed', roomId: 'other', userId: 'bob' });
    expect(got.map((e) => (e.type === 'rtc.signal' ? e.signal.kind : e.type))).toEqual(['description', 'candidate', 'sfu.trickle']);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/dropped rtc\.signal in room c1: description\.sdp line 2/);
  });

  it('an SFU reply whose SDP is not SDP is a signaling error; a good one gives the SDP', async () => {
    const bad = context({ code: RCCallErrorCode.SUCCESS, data: { description: { type: 'answer', sdp: 'v=0\r\n<html>' } } });
    expect(await createRoomSignaling(bad.ctx).sfuPublish('c1', SDP, false)).toEqual({ code: RCRTCCode.SIGNAL_ERROR });
    expect(bad.warnings[0]).toMatch(/sfu\.publish: the server's answer is unusable: description\.sdp line 2/);
    const good = context({ code: RCCallErrorCode.SUCCESS, data: { description: { type: 'offer', sdp: SDP } } });
    expect(await createRoomSignaling(good.ctx).sfuSubscribe('c1', 'bob')).toEqual({ code: RCCallErrorCode.SUCCESS, sdp: SDP });
  });
});
