/**
 * CallKitController against a scripted session (the CallLib surface it uses, nothing more): the
 * screens it moves through, the reconnecting banner from IMLib and ICE events, mute and quality
 * updates. Media and the real SDK are covered by tests/e2e/callkit.e2e.test.ts.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType, RCCallSessionState } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { CallKitController } from './controller.js';
import type { CallKitSdk, RCCallSession } from './sdk.js';

type Listener = Record<string, (...args: unknown[]) => void>;

function fakeIm() {
  const handlers = new Map<string, () => void>();
  return {
    Events: { CONNECTING: 'CONNECTING', CONNECTED: 'CONNECTED', SUSPEND: 'SUSPEND', DISCONNECT: 'DISCONNECT' },
    addEventListener: (event: string, listener: () => void) => handlers.set(event, listener),
    fire: (event: string) => handlers.get(event)?.(),
  };
}

function fakeSession() {
  let listener: Listener = {};
  const calls: string[] = [];
  const session = {
    registerSessionListener: (l: Listener) => {
      listener = l;
    },
    getConversationType: () => 1,
    getMediaType: () => RCCallMediaType.AUDIO_VIDEO,
    getCallerId: () => 'alice',
    getTargetId: () => 'alice',
    getRemoteUsers: () => [{ userId: 'alice', name: 'Alice', state: 1, isCaller: true, isRemote: true }],
    accept: async () => {
      calls.push('accept');
      return { code: RCCallErrorCode.SUCCESS };
    },
    hungup: async () => {
      calls.push('hungup');
      return { code: RCCallErrorCode.SUCCESS };
    },
    disableAudioTrack: async () => {
      calls.push('disableAudioTrack');
      return { code: RCCallErrorCode.SUCCESS };
    },
    enableAudioTrack: async () => ({ code: RCCallErrorCode.SUCCESS }),
  };
  return { session: session as unknown as RCCallSession, emit: (name: string, ...args: unknown[]) => listener[name]?.(...args), calls };
}

function setup() {
  const im = fakeIm();
  const sdk: CallKitSdk = {
    RCCall: {
      RCCallMediaType,
      RCCallErrorCode: RCCallErrorCode as unknown as CallKitSdk['RCCall']['RCCallErrorCode'],
      RCCallEndReason: RCCallEndReason as unknown as Record<string, string | number>,
      RCCallSessionState,
    },
    RongIMLib: im,
  };
  const kit = new CallKitController({ sdk, tones: false, endScreenMs: 0 });
  kit.attach({} as never, 'bob');
  const views: string[] = [];
  kit.onChange((model, change) => {
    if (change === 'screen' && views.at(-1) !== model.view) views.push(model.view);
  });
  return { kit, im, views };
}

describe('CallKitController', () => {
  it('incoming call: ring → accept → call → end screen → idle, with the caller from the session', async () => {
    const { kit, views } = setup();
    const { session, calls } = fakeSession();
    kit.installOptions().onSession(session);
    expect(kit.model.view).toBe('incoming');
    expect(kit.displayName('alice')).toBe('Alice');
    await kit.accept();
    expect(calls).toEqual(['accept']);
    expect(kit.model.view).toBe('active');
    expect(kit.model.connectedAt).toBeTypeOf('number');
    kit.installOptions().onSessionClose(session, {
      endReason: RCCallEndReason.REMOTE_HANGUP,
      duration: 4200,
    } as never);
    expect(kit.model.view).toBe('ended');
    expect(kit.model.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    kit.dismiss();
    expect(views).toEqual(['incoming', 'connecting', 'active', 'ended', 'idle']);
    expect(kit.model.session).toBeUndefined();
    expect(kit.model.participants.size).toBe(0);
  });

  it('shows the reconnecting banner while IMLib reconnects or ICE is down, only during a call', async () => {
    const { kit, im } = setup();
    const { session, emit } = fakeSession();
    im.fire('CONNECTING');
    expect(kit.model.reconnecting).toBe(false); // no call: nothing to show
    im.fire('CONNECTED');
    kit.installOptions().onSession(session);
    await kit.accept();
    im.fire('SUSPEND');
    expect(kit.model.reconnecting).toBe(true);
    im.fire('CONNECTED');
    expect(kit.model.reconnecting).toBe(false);
    emit('onICEConnectionStateChange', 'disconnected');
    expect(kit.model.reconnecting).toBe(true);
    emit('onICEConnectionStateChange', 'connected');
    expect(kit.model.reconnecting).toBe(false);
    emit('onPing', 'Fail');
    expect(kit.model.reconnecting).toBe(true);
    emit('onPing', 'Success');
    expect(kit.model.reconnecting).toBe(false);
  });

  it('tracks remote mute, camera and quality, and its own microphone', async () => {
    const { kit } = setup();
    const { session, emit, calls } = fakeSession();
    kit.installOptions().onSession(session);
    await kit.accept();
    emit('onAudioMuteChange', { userId: 'alice', muted: true, kind: 'audio', trackId: 'alice_RongCloudRTC_audio' });
    emit('onVideoMuteChange', { userId: 'alice', muted: true, kind: 'video', trackId: 'alice_RongCloudRTC_video' });
    expect(kit.model.participants.get('alice')).toMatchObject({ audioMuted: true, videoMuted: true });
    emit('onRTCStateReport', {
      timestamp: 1,
      senders: [],
      receivers: [
        {
          trackId: 'alice_RongCloudRTC_audio',
          kind: 'audio',
          packetsLostRate: 0.2,
          remoteResource: true,
          bitrate: 1,
          jitter: 1,
          audioLevel: 0.5,
        },
      ],
    });
    expect(kit.model.participants.get('alice')?.quality).toBe('poor');
    await kit.toggleMic();
    expect(calls).toContain('disableAudioTrack');
    expect(kit.model.micMuted).toBe(true);
  });

  it('a second incoming call while in one is left to CallLib (busy) and does not replace the screen', async () => {
    const { kit } = setup();
    const first = fakeSession();
    kit.installOptions().onSession(first.session);
    await kit.accept();
    const second = fakeSession();
    kit.installOptions().onSession(second.session);
    expect(kit.model.session).toBe(first.session);
    expect(kit.model.view).toBe('active');
  });
});
