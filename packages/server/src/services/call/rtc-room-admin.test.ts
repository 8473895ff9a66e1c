import { describe, expect, it } from 'vitest';
import type { PublishedTrack } from '../room/published-media.js';
import { groupCallFromAlice } from './call.test-support.js';
import { roomViewOf } from './rtc-room-admin.js';

const audio = (userId: string): PublishedTrack => ({
  mediaType: 0,
  msid: `${userId}_RongCloudRTC`,
  tag: 'RongCloudRTC',
  trackId: `${userId}_RongCloudRTC_audio`,
});

describe('roomViewOf', () => {
  it('lists only answered participants whose device joined the media room', () => {
    const call = groupCallFromAlice();
    const alice = call.participants.get('alice')!;
    const bob = call.addInvitee('bob', 'alice', 0, true);
    call.addInvitee('carol', 'alice', 0, true); // still ringing
    for (const [p, joinedAt] of [
      [alice, 100],
      [bob, 150],
    ] as const) {
      p.answer(p.deviceId ?? `${p.userId}-d`, joinedAt, undefined);
    }
    call.apply('accepted');
    call.beginAt = 150;
    expect(roomViewOf(call, (userId) => [audio(userId)])).toBeUndefined();
    alice.enterRoom();
    expect(roomViewOf(call, (userId) => [audio(userId)])).toEqual({
      roomId: 'c1',
      sessionId: 'c1_150',
      createTime: 150,
      members: [{ userId: 'alice', joinTime: 100, published: [audio('alice')] }],
    });
    bob.enterRoom();
    expect(roomViewOf(call, () => [])?.members.map((m) => m.userId)).toEqual(['alice', 'bob']);
  });

  it('no room: nobody joined the media yet, or the call ended', () => {
    const call = groupCallFromAlice();
    expect(roomViewOf(call, () => [])).toBeUndefined();
    call.participants.get('alice')!.enterRoom();
    call.apply('ended');
    expect(roomViewOf(call, () => [])).toBeUndefined();
  });
});
