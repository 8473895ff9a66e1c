import { RCCallMediaType, RCFrameRate, RCResolution } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { installer } from './installer.js';
import { assertCallParams, assertConstraints, assertListener, installerOptionsProblem } from './validate.js';

const noop = () => undefined;
const listener = { onRinging: noop, onAccept: noop, onHungup: noop, onMemberModify: noop, onMediaModify: noop, onTrackReady: noop };
const fakeContext = { logger: { debug: noop, info: noop, warn: noop, error: noop }, onEvent: () => noop } as never;

describe('installer options', () => {
  const good = { rtcClient: {}, onSession: noop, onSessionClose: noop };
  it.each([
    ['rtcClient missing', { onSession: noop, onSessionClose: noop }, /rtcClient/],
    ['onSession missing', { rtcClient: {}, onSessionClose: noop }, /onSession/],
    ['onSessionClose missing', { rtcClient: {}, onSession: noop }, /onSessionClose/],
    ['bad boolean', { ...good, isAllowPublishRetry: 'yes' }, /isAllowPublishRetry/],
    ['bad joinType', { ...good, joinType: 7 }, /joinType/],
    ['bad lang', { ...good, lang: 'fr' }, /lang/],
  ])('setup throws like the original when %s', (_name, options, message) => {
    expect(() => installer.setup(fakeContext, { tag: 'browser' }, options as never)).toThrow(/^\[RCCallLib installer steup\]/);
    expect(installerOptionsProblem(options)).toMatch(message);
  });
  it('accepts valid options', () => {
    expect(installerOptionsProblem({ ...good, lang: 'en', joinType: 0, isOffCameraWhenVideoDisable: false })).toBeUndefined();
  });
  it('verifies the browser runtime only', () => {
    expect(installer.verify({ tag: 'browser' })).toBe(true);
    expect(installer.verify({ tag: 'node' })).toBe(false);
  });
});

describe('listener and params', () => {
  it('names the missing required callbacks', () => {
    expect(() => assertListener({ ...listener, onRinging: undefined, onAccept: 1 })).toThrow(
      '[RCCallSession registerSessionListener] missing parameter -> "onRinging,onAccept"',
    );
    expect(() => assertListener(listener)).not.toThrow();
  });
  it('throws on bad call params, not returning a code', () => {
    expect(() => assertCallParams({ targetId: '', listener }, 'call', false)).toThrow(/targetId/);
    expect(() => assertCallParams({ targetId: 'b', mediaType: 0, listener }, 'call', false)).toThrow(/mediaType/);
    expect(() => assertCallParams({ targetId: 'g', listener, userIds: [] }, 'callInGroup', true)).toThrow(/userIds/);
    expect(() => assertCallParams({ targetId: 'b', mediaType: RCCallMediaType.AUDIO, listener }, 'call', false)).not.toThrow();
  });
  it('requires both frameRate and resolution when video constraints are given', () => {
    expect(() => assertConstraints({ video: { frameRate: RCFrameRate.FPS_15 } }, 'accept')).toThrow(/resolution/);
    expect(() =>
      assertConstraints({ video: { frameRate: RCFrameRate.FPS_15, resolution: RCResolution.W640_H480 } }, 'accept'),
    ).not.toThrow();
    expect(() => assertConstraints({ audio: { micphoneId: 3 } }, 'accept')).toThrow(/micphoneId/);
  });
});
