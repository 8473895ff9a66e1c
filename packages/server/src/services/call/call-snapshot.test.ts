import { ConversationType, RCCallMediaType } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { Call } from './call.js';
import { heldSfuRoom, usedProcessSfuRoom } from './call-recovery.js';
import { CallSnapshotError, callFromSnapshot, parseCallSnapshot, snapshotOf } from './call-snapshot.js';

function groupCallInSfuRoom(): Call {
  const call = new Call({
    appKey: 'app',
    callId: 'c1',
    conversationType: ConversationType.GROUP,
    targetId: 'g',
    channelId: '',
    mediaType: RCCallMediaType.AUDIO_VIDEO,
    callerId: 'a',
    callerDeviceId: 'a-dev',
    extra: '',
    createdAt: 1,
    callerProfile: undefined,
    pushTitle: '',
    pushContent: '',
  });
  call.caller().join();
  call.caller().enterRoom();
  call.roomMode = 'sfu';
  return call;
}

describe('call snapshot: the SFU room hand-over state', () => {
  it('travels with the call: a room with state is taken over, one without ends with its node', () => {
    const call = groupCallInSfuRoom();
    expect(usedProcessSfuRoom(call), 'a local Janus room (no state) dies with its node').toBe(true);
    call.sfuRoom = { sfu: 'janus', data: { url: 'ws://j:8188/', sessionId: 5, roomId: 6 } };
    const { call: back } = callFromSnapshot(snapshotOf(call));
    expect(back.sfuRoom).toEqual(call.sfuRoom);
    expect(heldSfuRoom(back)).toBe(true);
    expect(usedProcessSfuRoom(back)).toBe(false);
  });

  it('a snapshot written before rooms could change hands reads as a room that died with its node', () => {
    const call = groupCallInSfuRoom();
    const old = JSON.parse(snapshotOf(call));
    delete old.sfuRoom;
    const { call: back } = callFromSnapshot(JSON.stringify(old));
    expect(back.sfuRoom).toBeUndefined();
    expect(usedProcessSfuRoom(back)).toBe(true);
  });
});

/** A group call with every optional field set: pushes, a profile, an ended participant. */
function fullCall(): Call {
  const call = groupCallInSfuRoom();
  call.init.pushConfig = { templateId: 't1', disablePushTitle: true };
  call.init.hangupPush = { pushTitle: 'bye', pushContent: 'gone', pushConfig: { pushData: 'x' } };
  call.beginAt = 1234;
  const bob = call.addInvitee('bob', 'a', 99_000, false);
  bob.updateProfile({ name: 'Bob', portraitUri: 'https://p/b.png' });
  bob.ring();
  const carol = call.addInvitee('carol', 'a', 0, true);
  carol.leave(50, 2);
  return call;
}

function throwsSnapshotError(json: string): CallSnapshotError {
  try {
    parseCallSnapshot(json);
  } catch (error) {
    if (error instanceof CallSnapshotError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('call snapshot: read through a versioned schema', () => {
  it('a snapshot reads back to the same snapshot (every field kept)', () => {
    const json = snapshotOf(fullCall());
    expect(JSON.parse(json).v).toBe(1);
    const { call, snapshot } = callFromSnapshot(json);
    expect(snapshot).toEqual(JSON.parse(json));
    expect(snapshotOf(call)).toBe(json);
    expect(call.participants.get('bob')?.profile).toEqual({ name: 'Bob', portraitUri: 'https://p/b.png' });
    expect(call.participants.get('carol')?.state).toBe('left');
  });

  it('a v1 snapshot from before the optional fields existed still reads, with their defaults', () => {
    const old = JSON.parse(snapshotOf(fullCall()));
    for (const p of old.participants) {
      delete p.reached;
      delete p.ringDeadline;
      delete p.rang;
      delete p.inRoom;
    }
    delete old.roomMode;
    const { call } = callFromSnapshot(JSON.stringify(old));
    expect(call.roomMode).toBeUndefined();
    expect(call.participants.get('bob')).toMatchObject({ reached: true, ringDeadline: 0, rang: false, inRoom: false });
    expect(call.caller()).toMatchObject({ rang: true, inRoom: false });
  });

  it('an unknown or missing version is a clear error, not a crash', () => {
    const future = { ...JSON.parse(snapshotOf(fullCall())), v: 2 };
    expect(throwsSnapshotError(JSON.stringify(future))).toMatchObject({
      reason: 'unknown_version',
      message: expect.stringMatching(/version 2 .*reads 1/),
    });
    const { v: _v, ...unversioned } = future;
    expect(throwsSnapshotError(JSON.stringify(unversioned)).reason).toBe('unknown_version');
    expect(throwsSnapshotError('[]').reason).toBe('unknown_version');
  });

  it('a damaged snapshot is a clear error naming the field', () => {
    expect(throwsSnapshotError('{"v":1,').reason).toBe('malformed');
    const damaged = JSON.parse(snapshotOf(fullCall()));
    damaged.participants[1].state = 'dancing';
    expect(throwsSnapshotError(JSON.stringify(damaged))).toMatchObject({
      reason: 'malformed',
      message: 'call snapshot v1: participants.1.state: invalid_value',
    });
    expect(() => callFromSnapshot(JSON.stringify({ v: 1 }))).toThrow(CallSnapshotError);
  });
});
