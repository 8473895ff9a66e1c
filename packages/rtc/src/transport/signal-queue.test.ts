import { ErrorCode, RCCallErrorCode, type RtcSignal } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import type { RoomSignalingPort } from './room-signaling.js';
import { SignalQueue } from './signal-queue.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A signaling port whose `signal` answers the scripted codes in turn, recording what was sent. */
function scripted(codes: number[]): { port: RoomSignalingPort; sent: string[] } {
  const sent: string[] = [];
  const port = {
    signal: async (_room: string, _to: string, signal: RtcSignal) => {
      sent.push(signal.kind === 'track_state' ? signal.trackId : signal.kind);
      return { code: codes.shift() ?? RCCallErrorCode.SUCCESS };
    },
  } as unknown as RoomSignalingPort;
  return { port, sent };
}

const state = (trackId: string): RtcSignal => ({ kind: 'track_state', trackId, muted: true });

describe('SignalQueue', () => {
  it('tries a send again while the IM link is down, and keeps the order', async () => {
    const { port, sent } = scripted([ErrorCode.RC_NET_CHANNEL_INVALID, ErrorCode.TIMEOUT]);
    const queue = new SignalQueue(port, 'room', 'bob', quiet, 5, 1);
    void queue.send(state('first'));
    await queue.send(state('second'));
    expect(sent).toEqual(['first', 'first', 'first', 'second']);
  });

  it('does not retry a refusal, and gives up after its bound', async () => {
    const refused = scripted([RCCallErrorCode.NOT_IN_CALL]);
    await new SignalQueue(refused.port, 'room', 'bob', quiet, 5, 1).send(state('x'));
    expect(refused.sent).toEqual(['x']);
    const down = scripted(Array(10).fill(ErrorCode.RC_NET_CHANNEL_INVALID));
    await new SignalQueue(down.port, 'room', 'bob', quiet, 2, 1).send(state('y'));
    expect(down.sent).toEqual(['y', 'y', 'y']);
  });

  it('stops retrying once closed', async () => {
    const { port, sent } = scripted(Array(10).fill(ErrorCode.RC_NET_CHANNEL_INVALID));
    const queue = new SignalQueue(port, 'room', 'bob', quiet, 10, 5);
    const pending = queue.send(state('z'));
    queue.close();
    await pending;
    expect(sent.length).toBeLessThanOrEqual(2);
  });
});
