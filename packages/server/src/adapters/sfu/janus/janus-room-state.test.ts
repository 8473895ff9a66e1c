import { describe, expect, it } from 'vitest';
import { BadRoomStateError, type JanusRoomState, parseJanusRoomState } from './janus-room-state.js';

const good: JanusRoomState = {
  url: 'ws://10.0.0.5:8188/',
  sessionId: 8_123_456_789_012,
  roomId: 42,
  secret: 'room-secret',
  adminHandle: 7,
  publishers: [
    { userId: 'alice', handleId: 11, feedId: 101, published: true, up: true },
    { userId: 'bob', handleId: 12, published: false, up: false },
  ],
  subscribers: [{ userId: 'bob', feedUserId: 'alice', handleId: 13 }],
};

describe('parseJanusRoomState', () => {
  it('reads back what a room stored (through JSON, as the journal keeps it)', () => {
    const stored = JSON.parse(JSON.stringify({ sfu: 'janus', data: good }));
    expect(parseJanusRoomState(stored)).toEqual(good);
  });

  it.each([
    ['another SFU', { sfu: 'mediasoup', data: good }, /not janus/],
    ['a URL that is not ws(s)', { sfu: 'janus', data: { ...good, url: 'http://x/' } }, /url/],
    ['a session id that is not an id', { sfu: 'janus', data: { ...good, sessionId: '8123' } }, /sessionId/],
    ['a negative room id', { sfu: 'janus', data: { ...good, roomId: -1 } }, /roomId/],
    ['no secret', { sfu: 'janus', data: { ...good, secret: '' } }, /secret/],
    ['publishers that are not a list', { sfu: 'janus', data: { ...good, publishers: {} } }, /publishers/],
    [
      'a publisher without a handle',
      { sfu: 'janus', data: { ...good, publishers: [{ userId: 'a', published: true, up: true }] } },
      /publishers\[0\]\.handleId/,
    ],
    [
      'a subscriber without its feed',
      { sfu: 'janus', data: { ...good, subscribers: [{ userId: 'a', handleId: 3 }] } },
      /subscribers\[0\]\.feedUserId/,
    ],
    ['a list past any real room', { sfu: 'janus', data: { ...good, subscribers: Array(300).fill(good.subscribers[0]) } }, /subscribers/],
  ])('refuses %s with a clear error', (_what, state, message) => {
    expect(() => parseJanusRoomState(state as never)).toThrow(BadRoomStateError);
    expect(() => parseJanusRoomState(state as never)).toThrow(message);
  });
});
