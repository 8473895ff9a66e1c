/**
 * RCCallSession driven by server events and the user's intents, on the call test bed (scripted
 * `call.*` answers, media on RCRTC's fake transport over the memory relay): answering joins the media
 * room and reports the local tracks; a caller's session connects on the remote answer; the hang-up
 * reason follows the state (CANCEL, REJECT, HANGUP); a refused answer ends the session; the server's
 * `call.ended` and `call.member_left` reach the app.
 */
import { ErrorCode, RCCallEndReason, RCCallErrorCode, RCCallMediaType, RCCallSessionState, RCCallUserState } from '@opencall/protocol';
import { MemoryRtcRelay, waitFor } from '@opencall/rtc/testing';
import { describe, expect, it } from 'vitest';
import { type CallTestBed, callTestBed, invitedEvent, recordingListener } from './testing/call-test-bed.js';

function ringing(bed: CallTestBed, callId = 'call-1') {
  bed.emit(invitedEvent(callId, 'alice', 'bob'));
  expect(bed.sessions).toHaveLength(1);
  return { session: bed.sessions[0]!, log: bed.logs.get(bed.sessions[0]!)! };
}

describe('RCCallSession (callee)', () => {
  it('an incoming call rings; accept answers, joins the media room and reports the local track', async () => {
    const relay = new MemoryRtcRelay();
    const bob = callTestBed('bob', relay);
    const { session, log } = ringing(bob);
    expect(session.getState()).toBe(RCCallSessionState.WAITING);
    expect(session.getCallerId()).toBe('alice');
    expect(bob.requests.map((r) => r.t)).toEqual(['call.ringing']);

    expect(await session.accept()).toEqual({ code: RCCallErrorCode.SUCCESS });
    expect(session.getState()).toBe(RCCallSessionState.KEEPING);
    expect(session.getUserState('bob')).toBe(RCCallUserState.KEEPING);
    expect(bob.requests.at(-1)).toMatchObject({ t: 'call.accept', callId: 'call-1', mediaType: RCCallMediaType.AUDIO });
    await waitFor(() => log.includes('onTrackReady bob_RongCloudRTC_audio'), 2000, 'the local track reported');
    expect(relay.requests.some((r) => r.userId === 'bob' && r.body.t === 'rtc.join' && r.body.roomId === 'call-1')).toBe(true);
    expect(session.getRTCSessionId()).toBeTruthy();

    bob.emit({ type: 'call.member_left', callId: 'call-1', userId: 'alice', reason: RCCallEndReason.HANGUP });
    expect(log).toContain(`onHungup alice ${RCCallEndReason.REMOTE_HANGUP}`);
    bob.emit({ type: 'call.ended', callId: 'call-1', reason: RCCallEndReason.REMOTE_HANGUP, beginTime: 1, endTime: 2 });
    await waitFor(() => bob.closed.length === 1, 2000, 'onSessionClose');
    expect(bob.closed[0]!.summary?.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(session.getState()).toBe(RCCallSessionState.END);
    // The server took bob out of the room with the call's end: the media closed here, no rtc.leave.
    expect(relay.requests.some((r) => r.userId === 'bob' && r.body.t === 'rtc.leave')).toBe(false);
  });

  it('hanging up while ringing rejects; after answering it hangs up', async () => {
    const bob = callTestBed('bob');
    const first = ringing(bob, 'call-1').session;
    expect(await first.hungup()).toEqual({ code: RCCallErrorCode.SUCCESS });
    expect(bob.closed.at(-1)!.summary?.endReason).toBe(RCCallEndReason.REJECT);
    expect(bob.requests.at(-1)).toMatchObject({ t: 'call.hangup', callId: 'call-1' });

    bob.emit(invitedEvent('call-2', 'alice', 'bob'));
    const second = bob.sessions[1]!;
    await second.accept();
    expect(await second.hungup()).toEqual({ code: RCCallErrorCode.SUCCESS });
    expect(bob.closed.at(-1)!.summary?.endReason).toBe(RCCallEndReason.HANGUP);
  });

  it('an answer the server refuses ends the session with a network reason', async () => {
    const bob = callTestBed('bob');
    const { session } = ringing(bob);
    bob.answer = (request) => ({ code: request.t === 'call.accept' ? RCCallErrorCode.CALL_NOT_FOUND : RCCallErrorCode.SUCCESS });
    expect(await session.accept()).toEqual({ code: RCCallErrorCode.CALL_NOT_FOUND });
    expect(session.getState()).toBe(RCCallSessionState.END);
    expect(bob.closed[0]!.summary?.endReason).toBe(RCCallEndReason.NETWORK_ERROR);
  });

  it('a call that ends before the answer’s reply arrives stays ended (no join, no error thrown)', async () => {
    const relay = new MemoryRtcRelay();
    const bob = callTestBed('bob', relay);
    const { session } = ringing(bob);
    bob.answer = (request) => {
      if (request.t === 'call.accept') {
        bob.emit({ type: 'call.ended', callId: 'call-1', reason: RCCallEndReason.REMOTE_KICKED_BY_SERVER, beginTime: 1, endTime: 2 });
      }
      return { code: RCCallErrorCode.SUCCESS };
    };
    expect(await session.accept()).toEqual({ code: RCCallErrorCode.STATE_MACHINE_EXIT });
    expect(session.getState()).toBe(RCCallSessionState.END);
    await waitFor(() => bob.closed.length === 1, 2000, 'onSessionClose');
    expect(bob.closed[0]!.summary?.endReason).toBe(RCCallEndReason.REMOTE_KICKED_BY_SERVER);
    expect(relay.requests.some((r) => r.userId === 'bob' && r.body.t === 'rtc.join')).toBe(false);
  });

  it('an answer given while the IM link is down is sent again once it is back', async () => {
    const bob = callTestBed('bob');
    const { session } = ringing(bob);
    let down = 1;
    bob.answer = () => (down-- > 0 ? { code: ErrorCode.RC_NET_CHANNEL_INVALID } : { code: RCCallErrorCode.SUCCESS });
    expect(await session.accept()).toEqual({ code: RCCallErrorCode.SUCCESS });
    expect(bob.requests.filter((r) => r.t === 'call.accept')).toHaveLength(2);
    expect(session.getState()).toBe(RCCallSessionState.KEEPING);
  });
});

describe('RCCallSession (caller)', () => {
  it('connects on the remote answer, then joins the room; hanging up before that cancels', async () => {
    const relay = new MemoryRtcRelay();
    const alice = callTestBed('alice', relay);
    const { listener, log } = recordingListener();
    const placed = await alice.client.call({ targetId: 'bob', listener });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const session = placed.session!;
    expect(alice.requests[0]).toMatchObject({ t: 'call.invite', targetId: 'bob', userIds: ['bob'] });
    expect(log).toContain('onTrackReady alice_RongCloudRTC_audio'); // the caller's track, before the invite
    expect(session.getState()).toBe(RCCallSessionState.WAITING);

    const callId = session.getSessionId();
    alice.emit({ type: 'call.ringing', callId, userId: 'bob' });
    alice.emit({ type: 'call.accepted', callId, userId: 'bob', deviceId: 'bob-d', mediaType: RCCallMediaType.AUDIO });
    expect(log).toEqual(['onTrackReady alice_RongCloudRTC_audio', 'onRinging bob', 'onAccept bob']);
    expect(session.getState()).toBe(RCCallSessionState.KEEPING);
    await waitFor(() => relay.requests.some((r) => r.userId === 'alice' && r.body.t === 'rtc.join'), 2000, 'the room joined');

    const other = await alice.client.call({ targetId: 'carol', listener: recordingListener().listener });
    expect(other.code).toBe(RCCallErrorCode.STATE_MACHINE_EXIT); // one live session at a time
    await session.hungup();
    expect(alice.closed.at(-1)!.summary?.endReason).toBe(RCCallEndReason.HANGUP);

    const cancelled = await alice.client.call({ targetId: 'bob', listener: recordingListener().listener });
    await cancelled.session!.hungup();
    expect(alice.closed.at(-1)!.summary?.endReason).toBe(RCCallEndReason.CANCEL);
  });
});
