import { ConversationType, RCCallEndReason, RCCallErrorCode, RCCallMediaType, SafeEmitter } from '@opencall/protocol';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Sfu, SfuRoom, SfuRoomEvents } from '../../adapters/sfu/sfu-port.js';
import { Call } from '../call/call.js';
import { CallDirectory } from '../call/call-directory.js';
import { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { MediaRoomService } from './media-room-service.js';

const APP_KEY = 'relayapp0001';

function connectionOf(userId: string, deviceId: string): ImConnection {
  return { id: `${deviceId}-c`, appKey: APP_KEY, userId, deviceId, tokenIssuedAt: 0, sendEvent: () => {}, close: () => {} };
}

/** A call where the caller `a` and the invitee `b` both answered (each on its `-dev` device). */
function answeredCall(conversationType: ConversationType): Call {
  const call = new Call({
    appKey: APP_KEY,
    callId: `call-${conversationType}`,
    conversationType,
    targetId: conversationType === ConversationType.GROUP ? 'group1' : 'b',
    channelId: '',
    mediaType: RCCallMediaType.AUDIO,
    callerId: 'a',
    callerDeviceId: 'a-dev',
    extra: '',
    createdAt: 1,
    callerProfile: undefined,
    pushTitle: '',
    pushContent: '',
  });
  const invitee = call.addInvitee('b', 'a', 0, true);
  invitee.answer('b-dev', 1, undefined);
  call.apply('accepted');
  call.caller().join();
  return call;
}

/** What CallCore.end (call-core.ts) does to the media room of a call. */
function endCall(relay: MediaRoomService, call: Call): void {
  for (const participant of call.present()) {
    participant.leave(2, RCCallEndReason.HANGUP);
    relay.participantLeft(call, participant);
  }
  call.apply('ended');
}

function setUp(sfu?: Sfu) {
  const directory = new CallDirectory();
  const relay = new MediaRoomService(directory, new ConnectionRegistry(pino({ level: 'silent' })));
  if (sfu) relay.useSfu(sfu);
  return { directory, relay };
}

describe('MediaRoomService teardown', () => {
  it('a P2P room is forgotten when its call ends', async () => {
    const { directory, relay } = setUp();
    const call = answeredCall(ConversationType.PRIVATE);
    directory.add(call);
    expect((await relay.join(connectionOf('a', 'a-dev'), call.callId)).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await relay.join(connectionOf('b', 'b-dev'), call.callId)).code).toBe(RCCallErrorCode.SUCCESS);
    expect(relay.heldRoomCount()).toBe(1);
    endCall(relay, call);
    expect(relay.heldRoomCount()).toBe(0);
  });

  it('a call that ends while its first join still opens the SFU room: the room is destroyed and forgotten', async () => {
    let opened: (room: SfuRoom) => void = () => {};
    const destroy = vi.fn(async () => {});
    const room: SfuRoom = {
      ref: { appKey: APP_KEY, callId: 'call-3' },
      feeds: () => [],
      publish: async () => '',
      subscribe: async () => '',
      start: async () => {},
      trickle: async () => {},
      leave: async () => {},
      destroy,
      state: () => undefined,
      release: () => {},
      on: () => () => {},
      off: () => {},
    };
    const sfu: Sfu = {
      mode: 'remote',
      available: () => true,
      openRoom: () => new Promise<SfuRoom>((resolve) => (opened = resolve)),
      resumeRoom: () => Promise.reject(new Error('not here')),
      close: async () => {},
      on: () => () => {},
      off: () => {},
    };
    const { directory, relay } = setUp(sfu);
    const call = answeredCall(ConversationType.GROUP);
    directory.add(call);

    const joining = relay.join(connectionOf('a', 'a-dev'), call.callId);
    endCall(relay, call);
    opened(room);

    expect((await joining).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(relay.heldRoomCount()).toBe(0);
  });
});

describe('MediaRoomService: an SFU room taken over from another node', () => {
  const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

  function carriedOnSfuCall(): Call {
    const call = answeredCall(ConversationType.GROUP);
    call.roomMode = 'sfu';
    call.sfuRoom = { sfu: 'janus', data: { stored: 1 } };
    for (const participant of call.present()) participant.enterRoom();
    return call;
  }

  function fakeSfu(resumeRoom: Sfu['resumeRoom']): Sfu {
    return {
      mode: 'remote',
      available: () => true,
      openRoom: () => Promise.reject(new Error('not here')),
      resumeRoom,
      close: async () => {},
      on: () => () => {},
      off: () => {},
    };
  }

  it('claims the stored room; a request arriving meanwhile waits for the claim and reaches the claimed room; its changes are journaled', async () => {
    let claimed: (room: SfuRoom) => void = () => {};
    const publish = vi.fn(async () => SDP);
    const onChange: (() => void)[] = [];
    const room: SfuRoom = {
      ref: { appKey: APP_KEY, callId: 'call-3' },
      feeds: () => [],
      publish,
      subscribe: async () => '',
      start: async () => {},
      trickle: async () => {},
      leave: async () => {},
      destroy: async () => {},
      state: () => ({ sfu: 'janus', data: { stored: 2 } }),
      release: () => {},
      on: (event: string, listener: () => void) => {
        if (event === 'changed') onChange.push(listener);
        return () => {};
      },
      off: () => {},
    } as SfuRoom;
    const resumeRoom = vi.fn(() => new Promise<SfuRoom>((resolve) => (claimed = resolve)));
    const directory = new CallDirectory();
    const journaled = vi.fn();
    const relay = new MediaRoomService(directory, new ConnectionRegistry(pino({ level: 'silent' })), { roomChanged: journaled });
    relay.useSfu(fakeSfu(resumeRoom));
    const call = carriedOnSfuCall();
    directory.add(call);

    const resumed = relay.resumeSfuRoom(call);
    expect(resumeRoom).toHaveBeenCalledWith({ appKey: APP_KEY, callId: call.callId }, { sfu: 'janus', data: { stored: 1 } });
    const publishing = relay.sfuRequest(connectionOf('b', 'b-dev'), {
      t: 'sfu.publish',
      rid: 1,
      roomId: call.callId,
      description: { type: 'offer', sdp: SDP },
    });
    claimed(room);
    expect(await resumed).toBe(true);
    expect((await publishing).code).toBe(RCCallErrorCode.SUCCESS);
    expect(publish).toHaveBeenCalledWith('b', SDP, false);
    expect(call.sfuRoom, 'the claimed room state is journaled').toEqual({ sfu: 'janus', data: { stored: 2 } });
    expect(journaled).toHaveBeenCalledWith(call);
    journaled.mockClear();
    for (const listener of onChange) listener();
    expect(journaled).toHaveBeenCalledOnce();
    expect(relay.heldRoomCount()).toBe(1);
  });

  it('a room the SFU no longer has: false, nothing held, requests refused', async () => {
    const directory = new CallDirectory();
    const relay = new MediaRoomService(directory, new ConnectionRegistry(pino({ level: 'silent' })));
    relay.useSfu(fakeSfu(() => Promise.reject(new Error('Janus error 458: No such session'))));
    const call = carriedOnSfuCall();
    directory.add(call);
    expect(await relay.resumeSfuRoom(call)).toBe(false);
    expect(relay.heldRoomCount()).toBe(0);
    const reply = await relay.sfuRequest(connectionOf('b', 'b-dev'), { t: 'sfu.subscribe', rid: 2, roomId: call.callId, feedUserId: 'a' });
    expect(reply.code).toBe(RCCallErrorCode.INVALID_CALL_STATE);
  });
});

describe('MediaRoomService: SFU room events to the devices', () => {
  /** An SFU room whose events the test raises. */
  class ScriptedRoom extends SafeEmitter<SfuRoomEvents> implements SfuRoom {
    readonly ref = { appKey: APP_KEY, callId: `call-${ConversationType.GROUP}` };
    feeds = () => [];
    publish: SfuRoom['publish'] = async () => '';
    subscribe = async () => '';
    start = async () => {};
    trickle = async () => {};
    leave = async () => {};
    destroy = async () => {};
    state = () => undefined;
    release = () => {};
  }

  /** A local SFU whose every room is `room`. */
  const sfuWith = (room: SfuRoom): Sfu => ({
    mode: 'local',
    available: () => true,
    openRoom: async () => room,
    resumeRoom: () => Promise.reject(new Error('not here')),
    close: async () => {},
    on: () => () => {},
    off: () => {},
  });

  it("keyFrameWanted: the publisher's answering device gets sfu.key_frame, nobody else; not once it left the room", async () => {
    const room = new ScriptedRoom();
    const sfu = sfuWith(room);
    const directory = new CallDirectory();
    const registry = new ConnectionRegistry(pino({ level: 'silent' }));
    const sent = vi.spyOn(registry, 'sendToUser');
    const relay = new MediaRoomService(directory, registry);
    relay.useSfu(sfu);
    const call = answeredCall(ConversationType.GROUP);
    directory.add(call);
    expect((await relay.join(connectionOf('a', 'a-dev'), call.callId)).data).toMatchObject({ mode: 'sfu' });
    expect((await relay.join(connectionOf('b', 'b-dev'), call.callId)).code).toBe(RCCallErrorCode.SUCCESS);
    sent.mockClear();

    room.emit('keyFrameWanted', 'a');
    expect(sent.mock.calls).toEqual([[APP_KEY, 'a', { type: 'sfu.key_frame', roomId: call.callId }, 'a-dev']]);

    sent.mockClear();
    expect(relay.leave(connectionOf('a', 'a-dev'), call.callId).code).toBe(RCCallErrorCode.SUCCESS);
    room.emit('keyFrameWanted', 'a');
    expect(sent.mock.calls.filter(([, , event]) => event.type === 'sfu.key_frame')).toEqual([]);
  });

  it('a ringing caller of a group call enters the SFU room early and publishes; an invitee only once it answered; no early entry without an SFU', async () => {
    const published: string[] = [];
    const room = new ScriptedRoom();
    room.publish = async (userId) => {
      published.push(userId);
      return 'v=0\r\n';
    };
    const sfu = sfuWith(room);
    const ringing = () => {
      const call = new Call({ ...answeredCall(ConversationType.GROUP).init });
      call.addInvitee('b', 'a', 0, true);
      return call;
    };
    const { directory, relay } = setUp(sfu);
    const call = ringing();
    directory.add(call);
    const caller = connectionOf('a', 'a-dev');
    expect((await relay.join(caller, call.callId)).data).toMatchObject({ mode: 'sfu' });
    const offer = { type: 'offer' as const, sdp: 'v=0\r\n' };
    expect((await relay.sfuRequest(caller, { t: 'sfu.publish', rid: 1, roomId: call.callId, description: offer })).code).toBe(
      RCCallErrorCode.SUCCESS,
    );
    expect(published).toEqual(['a']);
    expect((await relay.join(connectionOf('b', 'b-dev'), call.callId)).code).toBe(RCCallErrorCode.NOT_IN_CALL);

    const mesh = setUp();
    const meshCall = ringing();
    mesh.directory.add(meshCall);
    expect((await mesh.relay.join(caller, meshCall.callId)).code).toBe(RCCallErrorCode.NOT_IN_CALL);
  });
});
