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
});
