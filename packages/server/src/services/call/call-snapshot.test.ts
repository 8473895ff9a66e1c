import { ConversationType, RCCallMediaType } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { Call } from './call.js';
import { heldSfuRoom, usedProcessSfuRoom } from './call-recovery.js';
import { callFromSnapshot, snapshotOf } from './call-snapshot.js';

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
  call.move(call.caller(), 'join');
  call.caller().inRoom = true;
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
