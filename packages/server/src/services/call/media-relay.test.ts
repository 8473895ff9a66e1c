import { ConversationType, RCCallErrorCode, RCCallMediaType } from '@opencall/protocol';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Sfu, SfuRoom } from '../../adapters/sfu/sfu-port.js';
import { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { Call } from './call.js';
import { CallDirectory } from './call-directory.js';
import { MediaRelay } from './media-relay.js';

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
  invitee.deviceId = 'b-dev';
  call.move(invitee, 'accept');
  call.apply('accepted');
  call.move(call.caller(), 'join');
  return call;
}

/** What CallCore.end (call-core.ts) does to the media room of a call. */
function endCall(relay: MediaRelay, call: Call): void {
  for (const participant of call.present()) {
    call.move(participant, 'leave');
    relay.participantLeft(call, participant);
  }
  call.apply('ended');
}

function setUp(sfu?: Sfu) {
  const directory = new CallDirectory();
  const relay = new MediaRelay(directory, new ConnectionRegistry(pino({ level: 'silent' })));
  if (sfu) relay.useSfu(sfu);
  return { directory, relay };
}

describe('MediaRelay teardown', () => {
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
