import type { RCCallSession as EngineSession } from '@opencall/call';
import { RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import type { PlayableTrack } from '../media-views.js';
import { bridgeListener } from './listener-bridge.js';
import type { IWrapperSessionListener } from './types.js';

type Wrapped = { getSessionId(): string; engine: EngineSession };

const engineSession = (id: string) => ({ getSessionId: () => id }) as unknown as EngineSession;
const track = (userId: string, kind: 'audio' | 'video') =>
  ({
    getUserId: () => userId,
    isAudioTrack: () => kind === 'audio',
    isLocalTrack: () => false,
    play: async () => ({ code: 10000 }),
  }) as PlayableTrack;

function setup(overrides: Partial<IWrapperSessionListener<Wrapped>> = {}) {
  const calls: { name: string; args: unknown[] }[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push({ name, args });
  const app: IWrapperSessionListener<Wrapped> = {
    onRinging: record('onRinging'),
    onAccept: record('onAccept'),
    onHungup: record('onHungup'),
    onTrackReady: record('onTrackReady'),
    onMemberModify: record('onMemberModify'),
    onMediaModify: record('onMediaModify'),
    onRTCStateReport: record('onRTCStateReport'),
    ...overrides,
  };
  const wrapped = new Map<EngineSession, Wrapped>();
  const remembered: [PlayableTrack, string | undefined][] = [];
  const errors: unknown[][] = [];
  const listener = bridgeListener(app, {
    wrap: (s) => {
      let w = wrapped.get(s);
      if (!w) {
        w = { getSessionId: () => s.getSessionId(), engine: s };
        wrapped.set(s, w);
      }
      return w;
    },
    rememberTrack: (t, callId) => remembered.push([t, callId]),
    logger: { error: (...args) => errors.push(args) },
  });
  return { listener, calls, remembered, errors, wrapped };
}

describe('wrapper listener bridge', () => {
  it('reports a track as (userId, CallLib media type, wrapper session) and keeps it for playMedia', () => {
    const { listener, calls, remembered, wrapped } = setup();
    const s = engineSession('c1');
    const video = track('bob', 'video');
    const audio = track('bob', 'audio');
    listener.onTrackReady(video as never, s);
    listener.onTrackReady(audio as never, s);
    expect(remembered).toEqual([
      [video, 'c1'],
      [audio, 'c1'],
    ]);
    expect(calls).toEqual([
      { name: 'onTrackReady', args: ['bob', RCCallMediaType.AUDIO_VIDEO, wrapped.get(s)] },
      { name: 'onTrackReady', args: ['bob', RCCallMediaType.AUDIO, wrapped.get(s)] },
    ]);
  });

  it("passes no session for the caller's own tracks reported before call() resolves", () => {
    const { listener, calls, remembered } = setup();
    const mine = track('me', 'audio');
    listener.onTrackReady(mine as never);
    expect(calls).toEqual([{ name: 'onTrackReady', args: ['me', RCCallMediaType.AUDIO, undefined] }]);
    expect(remembered).toEqual([[mine, undefined]]);
  });

  it('hands the same wrapper session to every callback of one engine session', () => {
    const { listener, calls } = setup();
    const s = engineSession('c2');
    listener.onRinging({ userId: 'bob' }, s);
    listener.onAccept({ userId: 'bob' }, s);
    listener.onHungup({ userId: 'bob' }, RCCallEndReason.REMOTE_HANGUP, s);
    const sessions = calls.map((c) => c.args.at(-1));
    expect(new Set(sessions).size).toBe(1);
    expect(calls[2]?.args.slice(0, 2)).toEqual([{ userId: 'bob' }, RCCallEndReason.REMOTE_HANGUP]);
  });

  it('drops onRTCStateReport (deprecated in the wrapper)', () => {
    const { listener, calls } = setup();
    expect(listener.onRTCStateReport).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('logs a throwing app callback and goes on', () => {
    const { listener, errors } = setup({
      onRinging: () => {
        throw new Error('app bug');
      },
    });
    expect(() => listener.onRinging({ userId: 'bob' }, engineSession('c3'))).not.toThrow();
    expect(String(errors[0]?.[0])).toContain('onRinging');
  });

  it('skips optional callbacks the app left out', () => {
    const { listener, calls } = setup();
    listener.onAudioMuteChange?.({ userId: 'bob', muted: true, kind: 'audio', trackId: 't' }, engineSession('c4'));
    expect(calls).toEqual([]);
  });
});
