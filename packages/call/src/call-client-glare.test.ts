/**
 * The glare path of RCCallClient: alice calls bob while bob's call to alice is on its way. The
 * crossing invitation is held (not rung) until the server answers alice's invite: with
 * GLARE_ANSWER_INSTEAD alice answers bob's call with the tracks she captured and `call()` returns that
 * session; if alice's call went through after all, bob's is reported busy and ended; if alice's call
 * failed, bob's rings as usual.
 */
import type { RequestResult } from '@opencall/imlib';
import { RCCallEndReason, RCCallErrorCode, RCCallSessionState } from '@opencall/protocol';
import { waitFor } from '@opencall/rtc/testing';
import { describe, expect, it } from 'vitest';
import { type CallTestBed, callTestBed, invitedEvent, recordingListener } from './testing/call-test-bed.js';

/** Alice's invite is held until bob's invitation crossed it, then answered with `inviteAnswer`. */
async function crossingCalls(inviteAnswer: (crossingCallId: string) => RequestResult) {
  const alice = callTestBed('alice');
  let release: (() => void) | undefined;
  alice.answer = (request) => {
    if (request.t !== 'call.invite') return { code: RCCallErrorCode.SUCCESS };
    return new Promise((resolve) => {
      release = () => resolve(inviteAnswer('bobs-call'));
    });
  };
  const { listener, log } = recordingListener();
  const placing = alice.client.call({ targetId: 'bob', listener });
  await waitFor(() => release !== undefined, 2000, "alice's invite sent");
  alice.emit(invitedEvent('bobs-call', 'bob', 'alice'));
  expect(alice.sessions).toEqual([]); // held: not rung while alice's own call is in flight
  expect(alice.requests.map((r) => r.t)).toEqual(['call.invite']);
  release!();
  return { alice, placed: await placing, log };
}

const sent = (bed: CallTestBed, t: string) => bed.requests.filter((r) => r.t === t);

describe('RCCallClient glare', () => {
  it('GLARE_ANSWER_INSTEAD: alice answers the crossing call with her tracks, and call() returns it', async () => {
    const { alice, placed, log } = await crossingCalls((callId) => ({ code: RCCallErrorCode.GLARE_ANSWER_INSTEAD, data: { callId } }));
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    expect(placed.session!.getSessionId()).toBe('bobs-call');
    expect(placed.session!.getCallerId()).toBe('bob');
    expect(placed.session!.getState()).toBe(RCCallSessionState.KEEPING);
    expect(sent(alice, 'call.accept')).toMatchObject([{ callId: 'bobs-call' }]);
    expect(sent(alice, 'call.ringing')).toEqual([]);
    expect(alice.sessions).toEqual([]); // never reported as an incoming call
    expect(alice.closed).toEqual([]); // the call alice placed is dropped silently
    expect(log).toEqual(['onTrackReady alice_RongCloudRTC_audio']); // reported once, when captured
  });

  it("the server put alice's call through after all: the crossing call is reported busy and ended", async () => {
    const { alice, placed } = await crossingCalls(() => ({ code: RCCallErrorCode.SUCCESS }));
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    expect(placed.session!.getTargetId()).toBe('bob');
    expect(alice.sessions.map((s) => s.getSessionId())).toEqual(['bobs-call']);
    await waitFor(() => alice.closed.length === 1, 2000, 'the crossing call ended');
    expect(alice.closed[0]!.summary?.endReason).toBe(RCCallEndReason.BUSY_LINE);
    expect(sent(alice, 'call.hangup')).toMatchObject([{ callId: 'bobs-call', reason: RCCallEndReason.BUSY_LINE }]);
    expect(placed.session!.getState()).toBe(RCCallSessionState.WAITING);
  });

  it("alice's call failed: the crossing call rings as usual", async () => {
    const { alice, placed } = await crossingCalls(() => ({ code: RCCallErrorCode.STATE_MACHINE_EXIT }));
    expect(placed).toEqual({ code: RCCallErrorCode.STATE_MACHINE_EXIT });
    expect(alice.sessions.map((s) => s.getSessionId())).toEqual(['bobs-call']);
    expect(sent(alice, 'call.ringing')).toMatchObject([{ callId: 'bobs-call' }]);
    expect(alice.sessions[0]!.getState()).toBe(RCCallSessionState.WAITING);
  });

  it('GLARE_ANSWER_INSTEAD for a call this client never heard of: nothing to answer, the tracks are released', async () => {
    const alice = callTestBed('alice');
    alice.answer = (request) =>
      request.t === 'call.invite' ? { code: RCCallErrorCode.GLARE_ANSWER_INSTEAD, data: { callId: 'unknown' } } : { code: 10000 };
    const { listener } = recordingListener();
    const tracks: { isReady(): boolean }[] = [];
    listener.onTrackReady = (track) => {
      tracks.push(track);
    };
    expect(await alice.client.call({ targetId: 'bob', listener })).toEqual({ code: RCCallErrorCode.STATE_MACHINE_EXIT });
    expect(sent(alice, 'call.accept')).toEqual([]);
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.isReady()).toBe(false); // destroyed: the microphone is released
  });

  it('an invitation from someone else while dialing is not glare: it is reported busy at once', async () => {
    const alice = callTestBed('alice');
    let release: (() => void) | undefined;
    alice.answer = (request) =>
      request.t === 'call.invite'
        ? new Promise((resolve) => {
            release = () => resolve({ code: RCCallErrorCode.SUCCESS });
          })
        : { code: RCCallErrorCode.SUCCESS };
    const placing = alice.client.call({ targetId: 'bob', listener: recordingListener().listener });
    await waitFor(() => release !== undefined, 2000, "alice's invite sent");
    alice.emit(invitedEvent('carols-call', 'carol', 'alice'));
    expect(alice.sessions.map((s) => s.getSessionId())).toEqual(['carols-call']);
    await waitFor(() => alice.closed.length === 1, 2000, "carol's call ended busy");
    expect(alice.closed[0]!.summary?.endReason).toBe(RCCallEndReason.BUSY_LINE);
    release!();
    expect((await placing).code).toBe(RCCallErrorCode.SUCCESS);
  });
});
