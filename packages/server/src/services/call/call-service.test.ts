/**
 * CallService, driven through the real facade as the WebSocket transport drives it (request frames
 * validated by the protocol, routed by `dispatchRequest`), with real SQLite storage in memory, the real
 * connection registry and fake devices that record the events they are sent. Ring timers run on
 * vitest's fake clock.
 */
import { ConversationType, RCCallEndReason, RCCallErrorCode, RCCallMediaType, type ServerEvent } from '@opencall/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_KEY,
  type CallServiceHarness,
  createCallServiceHarness,
  type FakeDevice,
  RING_TIMEOUT_MS,
} from './call-service.test-support.js';

const SUCCESS = { code: RCCallErrorCode.SUCCESS };

let clock = 1_000_000;
let harness: CallServiceHarness;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  clock = 1_000_000;
  harness = await createCallServiceHarness(() => clock);
});

afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

/** `from` places a 1:1 audio call to `calleeId`. */
function invite(from: FakeDevice, callId: string, calleeId: string) {
  return harness.send(from, {
    t: 'call.invite',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: calleeId,
    mediaType: RCCallMediaType.AUDIO,
    userIds: [calleeId],
  });
}

/** The `call.ended` events a device got for a call. */
function endedFor(device: FakeDevice, callId: string): Extract<ServerEvent, { type: 'call.ended' }>[] {
  return device.events.filter((e): e is Extract<ServerEvent, { type: 'call.ended' }> => e.type === 'call.ended' && e.callId === callId);
}

function memberLeftFor(device: FakeDevice, callId: string) {
  return device.events.filter((e) => e.type === 'call.member_left' && e.callId === callId);
}

describe('CallService 1:1 calls', () => {
  it('invite → ringing → accept → hang-up: events in order on each device, one stored record', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');

    expect(await invite(alice, 'call-1', 'bob')).toEqual(SUCCESS);
    expect(bob.typesFor('call-1')).toEqual(['call.invited']);
    expect(bob.events[0]).toMatchObject({ callId: 'call-1', callerId: 'alice', ringRemainingMs: RING_TIMEOUT_MS, busy: false });

    expect(await harness.send(bob, { t: 'call.ringing', callId: 'call-1' })).toEqual(SUCCESS);
    expect(alice.typesFor('call-1')).toEqual(['call.ringing']);

    clock += 2_000;
    const accepted = await harness.send(bob, { t: 'call.accept', callId: 'call-1' });
    expect(accepted.code).toBe(RCCallErrorCode.SUCCESS);
    expect(alice.typesFor('call-1')).toEqual(['call.ringing', 'call.accepted']);
    expect(alice.events[1]).toMatchObject({ userId: 'bob', deviceId: 'bob-d1' });

    clock += 5_000;
    expect(await harness.send(alice, { t: 'call.hangup', callId: 'call-1' })).toEqual(SUCCESS);
    expect(alice.typesFor('call-1')).toEqual(['call.ringing', 'call.accepted']);
    expect(bob.typesFor('call-1')).toEqual(['call.invited', 'call.member_left', 'call.ended']);
    expect(memberLeftFor(bob, 'call-1')).toMatchObject([{ userId: 'alice', reason: RCCallEndReason.HANGUP }]);
    expect(endedFor(bob, 'call-1')).toMatchObject([{ reason: RCCallEndReason.REMOTE_HANGUP }]);

    const record = await harness.storage.calls.get(APP_KEY, 'call-1');
    expect(record).toMatchObject({
      callerId: 'alice',
      targetId: 'bob',
      durationMs: 5_000,
      endReason: RCCallEndReason.HANGUP,
    });
    expect(record?.participants).toEqual([
      expect.objectContaining({ userId: 'alice', isCaller: true, endReason: RCCallEndReason.HANGUP }),
      expect.objectContaining({ userId: 'bob', deviceId: 'bob-d1', isCaller: false, endReason: RCCallEndReason.REMOTE_HANGUP }),
    ]);
    expect(await harness.storage.calls.list(APP_KEY, { userId: 'alice', limit: 10 })).toHaveLength(1);
    expect(harness.service.activeCallCount()).toBe(0);
  });

  it('reject: the caller gets REMOTE_REJECT, the callee is REJECT in the record', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    expect(await invite(alice, 'call-r', 'bob')).toEqual(SUCCESS);
    expect(await harness.send(bob, { t: 'call.hangup', callId: 'call-r' })).toEqual(SUCCESS);

    expect(alice.typesFor('call-r')).toEqual(['call.member_left', 'call.ended']);
    expect(memberLeftFor(alice, 'call-r')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.REJECT }]);
    expect(endedFor(alice, 'call-r')).toMatchObject([{ reason: RCCallEndReason.REMOTE_REJECT, beginTime: 0 }]);
    expect(bob.typesFor('call-r')).toEqual(['call.invited']);
    const record = await harness.storage.calls.get(APP_KEY, 'call-r');
    expect(record).toMatchObject({ endReason: RCCallEndReason.REMOTE_REJECT, beginAt: 0, durationMs: 0 });
    expect(record?.participants.map((p) => [p.userId, p.endReason])).toEqual([
      ['alice', RCCallEndReason.REMOTE_REJECT],
      ['bob', RCCallEndReason.REJECT],
    ]);
  });

  it('cancel: the callee gets REMOTE_CANCEL, the caller is CANCEL in the record', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    expect(await invite(alice, 'call-c', 'bob')).toEqual(SUCCESS);
    expect(await harness.send(alice, { t: 'call.hangup', callId: 'call-c' })).toEqual(SUCCESS);

    expect(bob.typesFor('call-c')).toEqual(['call.invited', 'call.member_left', 'call.ended']);
    expect(memberLeftFor(bob, 'call-c')).toMatchObject([{ userId: 'alice', reason: RCCallEndReason.CANCEL }]);
    expect(endedFor(bob, 'call-c')).toMatchObject([{ reason: RCCallEndReason.REMOTE_CANCEL }]);
    expect(alice.typesFor('call-c')).toEqual([]);
    const record = await harness.storage.calls.get(APP_KEY, 'call-c');
    expect(record?.endReason).toBe(RCCallEndReason.CANCEL);
    expect(record?.participants.map((p) => [p.userId, p.endReason])).toEqual([
      ['alice', RCCallEndReason.CANCEL],
      ['bob', RCCallEndReason.REMOTE_CANCEL],
    ]);
    // The call is over: a late answer finds nothing.
    expect((await harness.send(bob, { t: 'call.accept', callId: 'call-c' })).code).toBe(RCCallErrorCode.CALL_NOT_FOUND);
  });

  it('ring timeout: NO_RESPONSE for the callee and REMOTE_NO_RESPONSE for the caller, exactly once', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    expect(await invite(alice, 'call-t', 'bob')).toEqual(SUCCESS);
    expect(await harness.send(bob, { t: 'call.ringing', callId: 'call-t' })).toEqual(SUCCESS);

    clock += RING_TIMEOUT_MS - 1;
    vi.advanceTimersByTime(RING_TIMEOUT_MS - 1);
    expect(endedFor(alice, 'call-t')).toEqual([]);
    expect(endedFor(bob, 'call-t')).toEqual([]);

    clock += 1;
    vi.advanceTimersByTime(1);
    expect(endedFor(bob, 'call-t')).toMatchObject([{ reason: RCCallEndReason.NO_RESPONSE }]);
    expect(memberLeftFor(alice, 'call-t')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.NO_RESPONSE }]);
    expect(endedFor(alice, 'call-t')).toMatchObject([{ reason: RCCallEndReason.REMOTE_NO_RESPONSE }]);

    clock += 10 * RING_TIMEOUT_MS;
    vi.advanceTimersByTime(10 * RING_TIMEOUT_MS);
    expect(alice.typesFor('call-t')).toEqual(['call.ringing', 'call.member_left', 'call.ended']);
    expect(bob.typesFor('call-t')).toEqual(['call.invited', 'call.ended']);
    expect(harness.service.activeCallCount()).toBe(0);

    const record = await vi.waitFor(
      async () => {
        const stored = await harness.storage.calls.get(APP_KEY, 'call-t');
        if (!stored) throw new Error('record not stored yet');
        return stored;
      },
      { timeout: 1_000, interval: 5 },
    );
    expect(record.endReason).toBe(RCCallEndReason.REMOTE_NO_RESPONSE);
    expect(record.participants.map((p) => [p.userId, p.endReason])).toEqual([
      ['alice', RCCallEndReason.REMOTE_NO_RESPONSE],
      ['bob', RCCallEndReason.NO_RESPONSE],
    ]);
  });

  it('an answered call has no ring timeout left', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    expect(await invite(alice, 'call-a', 'bob')).toEqual(SUCCESS);
    expect((await harness.send(bob, { t: 'call.accept', callId: 'call-a' })).code).toBe(RCCallErrorCode.SUCCESS);
    clock += 2 * RING_TIMEOUT_MS;
    vi.advanceTimersByTime(2 * RING_TIMEOUT_MS);
    expect(endedFor(alice, 'call-a')).toEqual([]);
    expect(endedFor(bob, 'call-a')).toEqual([]);
    expect(harness.service.activeCallCount()).toBe(1);
  });

  it('busy: a callee in another call gets a busy invite (BUSY_LINE), the caller REMOTE_BUSY_LINE', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    const carol = harness.connect('carol');
    expect(await invite(alice, 'call-1', 'bob')).toEqual(SUCCESS);
    expect((await harness.send(bob, { t: 'call.accept', callId: 'call-1' })).code).toBe(RCCallErrorCode.SUCCESS);

    expect(await invite(carol, 'call-2', 'bob')).toEqual(SUCCESS);
    expect(bob.typesFor('call-2')).toEqual(['call.invited']);
    expect(bob.events.find((e) => e.type === 'call.invited' && e.callId === 'call-2')).toMatchObject({
      busy: true,
      busyReason: RCCallEndReason.BUSY_LINE,
    });
    expect(carol.typesFor('call-2')).toEqual(['call.member_left', 'call.ended']);
    expect(memberLeftFor(carol, 'call-2')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.BUSY_LINE }]);
    expect(endedFor(carol, 'call-2')).toMatchObject([{ reason: RCCallEndReason.REMOTE_BUSY_LINE }]);
    const record = await harness.storage.calls.get(APP_KEY, 'call-2');
    expect(record?.participants.map((p) => [p.userId, p.endReason])).toEqual([
      ['carol', RCCallEndReason.REMOTE_BUSY_LINE],
      ['bob', RCCallEndReason.BUSY_LINE],
    ]);
    // The first call goes on untouched.
    expect(alice.typesFor('call-1')).toEqual(['call.accepted']);
    expect(endedFor(bob, 'call-1')).toEqual([]);
    expect(harness.service.activeCallCount()).toBe(1);
  });

  it('two devices of the callee: answered on one, the other closes with ACCEPT_BY_OTHER_CLIENT', async () => {
    const alice = harness.connect('alice');
    const bobPhone = harness.connect('bob', 'bob-phone');
    const bobLaptop = harness.connect('bob', 'bob-laptop');
    expect(await invite(alice, 'call-m', 'bob')).toEqual(SUCCESS);
    expect(bobPhone.typesFor('call-m')).toEqual(['call.invited']);
    expect(bobLaptop.typesFor('call-m')).toEqual(['call.invited']);

    expect((await harness.send(bobLaptop, { t: 'call.accept', callId: 'call-m' })).code).toBe(RCCallErrorCode.SUCCESS);
    expect(endedFor(bobPhone, 'call-m')).toMatchObject([{ reason: RCCallEndReason.ACCEPT_BY_OTHER_CLIENT }]);
    expect(endedFor(bobLaptop, 'call-m')).toEqual([]);
    expect(alice.events.filter((e) => e.type === 'call.accepted')).toMatchObject([{ userId: 'bob', deviceId: 'bob-laptop' }]);

    // The other device is no longer the one in the call.
    expect((await harness.send(bobPhone, { t: 'call.accept', callId: 'call-m' })).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    expect((await harness.send(bobPhone, { t: 'call.hangup', callId: 'call-m' })).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    expect(harness.service.activeCallCount()).toBe(1);

    expect(await harness.send(bobLaptop, { t: 'call.hangup', callId: 'call-m' })).toEqual(SUCCESS);
    expect(endedFor(alice, 'call-m')).toMatchObject([{ reason: RCCallEndReason.REMOTE_HANGUP }]);
    expect(bobPhone.typesFor('call-m')).toEqual(['call.invited', 'call.ended']);
    const record = await harness.storage.calls.get(APP_KEY, 'call-m');
    expect(record?.participants.find((p) => p.userId === 'bob')).toMatchObject({
      deviceId: 'bob-laptop',
      endReason: RCCallEndReason.HANGUP,
    });
  });

  it('a duplicate callId is refused; the same device sending its invite again is not', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    const carol = harness.connect('carol');
    const dave = harness.connect('dave');
    expect(await invite(alice, 'call-d', 'bob')).toEqual(SUCCESS);

    const duplicate = await invite(dave, 'call-d', 'carol');
    expect(duplicate.code).toBe(RCCallErrorCode.DUPLICATE_CALL_ID);
    expect(carol.events).toEqual([]);

    // The caller's device resending (its answer was lost) gets SUCCESS and rings nobody twice.
    expect(await invite(alice, 'call-d', 'bob')).toEqual(SUCCESS);
    expect(bob.typesFor('call-d')).toEqual(['call.invited']);

    // An ended call's id stays taken.
    expect(await harness.send(alice, { t: 'call.hangup', callId: 'call-d' })).toEqual(SUCCESS);
    expect((await invite(alice, 'call-d', 'bob')).code).toBe(RCCallErrorCode.DUPLICATE_CALL_ID);
    expect(bob.typesFor('call-d')).toEqual(['call.invited', 'call.member_left', 'call.ended']);
  });

  it('an intent from a non-participant, or about an unknown call, is refused with its code and changes nothing', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    const mallory = harness.connect('mallory');
    expect(await invite(alice, 'call-n', 'bob')).toEqual(SUCCESS);

    for (const t of ['call.ringing', 'call.accept', 'call.hangup'] as const) {
      expect((await harness.send(mallory, { t, callId: 'call-n' })).code).toBe(RCCallErrorCode.NOT_IN_CALL);
      expect((await harness.send(bob, { t, callId: 'no-such-call' })).code).toBe(RCCallErrorCode.CALL_NOT_FOUND);
    }
    expect((await harness.send(alice, { t: 'call.accept', callId: 'call-n' })).code).toBe(RCCallErrorCode.INVALID_CALL_STATE);
    // A reason only the server imposes cannot be stated by a client.
    const stated = await harness.send(bob, { t: 'call.hangup', callId: 'call-n', reason: RCCallEndReason.KICKED_BY_SERVER });
    expect(stated.code).toBe(RCCallErrorCode.PARAM_ERROR);
    expect((await invite(alice, 'call-self', 'alice')).code).toBe(RCCallErrorCode.PARAM_ERROR);

    expect(alice.typesFor('call-n')).toEqual([]);
    expect(bob.typesFor('call-n')).toEqual(['call.invited']);
    expect(mallory.events).toEqual([]);
    expect(harness.service.activeCallCount()).toBe(1);
  });

  it('busy with another device online: OTHER_CLIENT_IN_CALL for the user, REMOTE_OTHER_CLIENT_IN_CALL for the caller', async () => {
    const alice = harness.connect('alice');
    const bobPhone = harness.connect('bob', 'bob-phone');
    const bobLaptop = harness.connect('bob', 'bob-laptop');
    const carol = harness.connect('carol');
    expect(await invite(alice, 'call-1', 'bob')).toEqual(SUCCESS);
    expect((await harness.send(bobPhone, { t: 'call.accept', callId: 'call-1' })).code).toBe(RCCallErrorCode.SUCCESS);

    expect(await invite(carol, 'call-2', 'bob')).toEqual(SUCCESS);
    const busyInvite = (device: FakeDevice) => device.events.find((e) => e.type === 'call.invited' && e.callId === 'call-2');
    expect(busyInvite(bobPhone)).toMatchObject({ busy: true, busyReason: RCCallEndReason.BUSY_LINE });
    expect(busyInvite(bobLaptop)).toMatchObject({ busy: true, busyReason: RCCallEndReason.OTHER_CLIENT_IN_CALL });
    expect(memberLeftFor(carol, 'call-2')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.OTHER_CLIENT_IN_CALL }]);
    expect(endedFor(carol, 'call-2')).toMatchObject([{ reason: RCCallEndReason.REMOTE_OTHER_CLIENT_IN_CALL }]);
    expect(alice.typesFor('call-1')).toEqual(['call.accepted']);
  });

  it('rejected on one of two ringing devices: the other gets HANGUP_BY_OTHER_CLIENT', async () => {
    const alice = harness.connect('alice');
    const bobPhone = harness.connect('bob', 'bob-phone');
    const bobLaptop = harness.connect('bob', 'bob-laptop');
    expect(await invite(alice, 'call-x', 'bob')).toEqual(SUCCESS);
    expect(await harness.send(bobLaptop, { t: 'call.hangup', callId: 'call-x' })).toEqual(SUCCESS);

    expect(endedFor(bobPhone, 'call-x')).toMatchObject([{ reason: RCCallEndReason.HANGUP_BY_OTHER_CLIENT }]);
    expect(bobLaptop.typesFor('call-x')).toEqual(['call.invited']);
    expect(memberLeftFor(alice, 'call-x')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.REJECT }]);
    expect(endedFor(alice, 'call-x')).toMatchObject([{ reason: RCCallEndReason.REMOTE_REJECT }]);
  });
});

describe('CallService decline from a service worker (Web Push)', () => {
  it("declines a ringing invitee as a reject from that device: REMOTE_REJECT for the caller, 102 on the user's devices", async () => {
    const alice = harness.connect('alice');
    const bobTab = harness.connect('bob', 'bob-tab');
    expect(await invite(alice, 'call-w', 'bob')).toEqual(SUCCESS);
    expect(harness.service.declineRinging(APP_KEY, 'alice', 'alice-sw', 'call-w')).toBe(false); // the caller cannot
    expect(harness.service.declineRinging(APP_KEY, 'carol', 'carol-sw', 'call-w')).toBe(false); // not invited
    expect(harness.service.declineRinging(APP_KEY, 'bob', 'bob-sw', 'call-w')).toBe(true);

    expect(memberLeftFor(alice, 'call-w')).toMatchObject([{ userId: 'bob', reason: RCCallEndReason.REJECT }]);
    expect(endedFor(alice, 'call-w')).toMatchObject([{ reason: RCCallEndReason.REMOTE_REJECT }]);
    expect(endedFor(bobTab, 'call-w')).toMatchObject([{ reason: RCCallEndReason.HANGUP_BY_OTHER_CLIENT }]);
    expect(harness.service.declineRinging(APP_KEY, 'bob', 'bob-sw', 'call-w')).toBe(false); // ended
  });

  it('does not decline a call the user already answered', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    expect(await invite(alice, 'call-a', 'bob')).toEqual(SUCCESS);
    expect(await harness.send(bob, { t: 'call.accept', callId: 'call-a' })).toMatchObject(SUCCESS);
    expect(harness.service.declineRinging(APP_KEY, 'bob', 'bob-sw', 'call-a')).toBe(false);
    expect(endedFor(alice, 'call-a')).toEqual([]);
  });
});
