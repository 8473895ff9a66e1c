import { ErrorCode, RCCallErrorCode, type RtcSignal } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { PeerSignalChannel } from './peer-signal-channel.js';
import type { RoomSignalingPort } from './room-signaling.js';
import { SignalQueue } from './signal-queue.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = { attempts: 6, delayMs: 1 };

/** A request that answers the scripted codes in turn, recording each send under `name`. */
function scripted(codes: number[], sent: string[]) {
  return (name: string) => async () => {
    sent.push(name);
    return { code: codes.shift() ?? RCCallErrorCode.SUCCESS };
  };
}

describe('SignalQueue', () => {
  it('tries a request again while the IM link is down, keeps the order, and hands back the typed reply', async () => {
    const sent: string[] = [];
    const send = scripted([ErrorCode.RC_NET_CHANNEL_INVALID, ErrorCode.TIMEOUT], sent);
    const queue = new SignalQueue(quiet, 'test', FAST);
    void queue.run('first', send('first'));
    const reply = await queue.run('second', async () => ({ ...(await send('second')()), sdp: 'v=0' }));
    expect(sent).toEqual(['first', 'first', 'first', 'second']);
    expect(reply).toEqual({ code: RCCallErrorCode.SUCCESS, sdp: 'v=0' });
  });

  it('does not retry a refusal, and gives up after its bound with the last answer', async () => {
    const refusedSent: string[] = [];
    const refused = await new SignalQueue(quiet, 'test', FAST).run('x', scripted([RCCallErrorCode.NOT_IN_CALL], refusedSent)('x'));
    expect(refusedSent).toEqual(['x']);
    expect(refused?.code).toBe(RCCallErrorCode.NOT_IN_CALL);
    const downSent: string[] = [];
    const down = await new SignalQueue(quiet, 'test', { attempts: 3, delayMs: 1 }).run(
      'y',
      scripted(Array(10).fill(ErrorCode.RC_NET_CHANNEL_INVALID), downSent)('y'),
    );
    expect(downSent).toEqual(['y', 'y', 'y']);
    expect(down?.code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);
  });

  it('stops retrying once closed, and sends nothing queued after', async () => {
    const sent: string[] = [];
    const send = scripted(Array(10).fill(ErrorCode.RC_NET_CHANNEL_INVALID), sent);
    const queue = new SignalQueue(quiet, 'test', { attempts: 10, delayMs: 5 });
    const pending = queue.run('z', send('z'));
    const later = queue.run('later', send('later'));
    queue.close();
    await pending;
    expect(await later).toBeUndefined();
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent).not.toContain('later');
  });

  it('a request that throws does not stop the ones after it', async () => {
    const queue = new SignalQueue(quiet, 'test', FAST);
    const failed = queue.run('boom', async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    expect(await queue.run('next', async () => ({ code: RCCallErrorCode.SUCCESS }))).toEqual({ code: RCCallErrorCode.SUCCESS });
  });
});

describe('PeerSignalChannel', () => {
  it("sends one user's signals in order through the port, again while the link is down", async () => {
    const codes = [ErrorCode.RC_NET_UNAVAILABLE];
    const sent: string[] = [];
    const port = {
      signal: async (roomId: string, toUserId: string, signal: RtcSignal) => {
        sent.push(`${roomId}/${toUserId}/${signal.kind === 'track_state' ? signal.trackId : signal.kind}`);
        return { code: codes.shift() ?? RCCallErrorCode.SUCCESS };
      },
    } as unknown as RoomSignalingPort;
    const channel = new PeerSignalChannel(port, 'room', 'bob', quiet, FAST);
    void channel.send({ kind: 'track_state', trackId: 'a', muted: true });
    await channel.send({ kind: 'track_state', trackId: 'b', muted: false });
    expect(sent).toEqual(['room/bob/a', 'room/bob/a', 'room/bob/b']);
  });
});
