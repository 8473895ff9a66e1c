import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { Call } from './call.js';
import { inviteBlocksFrom, ringsStoppedByBlacklist } from './call-blacklist.js';

function groupCall(callerId: string, invitees: string[], answered: string[] = []): Call {
  const call = new Call({
    appKey: 'app',
    callId: `call-${callerId}`,
    conversationType: ConversationType.GROUP,
    targetId: 'g',
    channelId: '',
    mediaType: RCCallMediaType.AUDIO,
    callerId,
    callerDeviceId: `${callerId}-d`,
    extra: '',
    createdAt: 1,
    callerProfile: undefined,
    pushTitle: '',
    pushContent: '',
  });
  for (const id of invitees) {
    const participant = call.addInvitee(id, callerId, 60_000, true);
    if (answered.includes(id)) participant.answer(`${id}-d`, 1, undefined);
  }
  return call;
}

describe('inviteBlocksFrom', () => {
  it('keeps out an invitee who blacklisted the inviter, another member, or another invitee', () => {
    expect(inviteBlocksFrom([['b', 'a']], ['a'], [], ['b', 'c']).blocked).toEqual(new Set(['b']));
    expect(inviteBlocksFrom([['b', 'a']], ['c', 'a'], [], ['b']).blocked).toEqual(new Set(['b']));
    expect(inviteBlocksFrom([['b', 'a']], ['c'], [], ['a', 'b']).blocked).toEqual(new Set(['b']));
    expect(inviteBlocksFrom([['b', 'x']], ['c'], [], ['a', 'b']).blocked).toEqual(new Set());
  });

  it('ignores the blacklists of members and who blacklisted the invitee', () => {
    // c (the caller) blacklisted b: c still calls b. a blacklisted b: b is still rung (a may hang up).
    expect(inviteBlocksFrom([['c', 'b']], ['c'], [], ['b'])).toEqual({ blocked: new Set(), ringsToStop: new Set() });
    expect(inviteBlocksFrom([['a', 'b']], ['c', 'a'], [], ['b'])).toEqual({ blocked: new Set(), ringsToStop: new Set() });
  });

  it('stops the ring of a ringing member who blacklisted an invitee that will ring', () => {
    expect(inviteBlocksFrom([['b', 'a']], ['c', 'b'], ['b'], ['a'])).toEqual({ blocked: new Set(), ringsToStop: new Set(['b']) });
    // ... but not for an invitee kept out anyway.
    expect(
      inviteBlocksFrom(
        [
          ['b', 'a'],
          ['a', 'c'],
        ],
        ['c', 'b'],
        ['b'],
        ['a'],
      ),
    ).toEqual({ blocked: new Set(['a']), ringsToStop: new Set() });
  });
});

describe('ringsStoppedByBlacklist', () => {
  it('picks the owner’s ringing invitations in calls with a blocked user present', () => {
    const ringing = groupCall('a', ['b']);
    const withMember = groupCall('c', ['a', 'b'], ['a']);
    const answered = groupCall('a2', ['b'], ['b']);
    const unrelated = groupCall('x', ['b']);
    const stops = ringsStoppedByBlacklist([ringing, withMember, answered, unrelated], 'b', ['a', 'a2']);
    expect(stops.map(([call, p]) => [call.callId, p.userId])).toEqual([
      ['call-a', 'b'],
      ['call-c', 'b'],
    ]);
  });

  it('never stops the owner’s own outgoing call, nor for a blocked user who already left', () => {
    const own = groupCall('b', ['a']);
    expect(ringsStoppedByBlacklist([own], 'b', ['a'])).toEqual([]);
    const left = groupCall('c', ['a', 'b']);
    left.participants.get('a')!.leave(1, RCCallEndReason.HANGUP);
    expect(ringsStoppedByBlacklist([left], 'b', ['a'])).toEqual([]);
  });
});
