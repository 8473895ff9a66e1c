import { RCCallErrorCode, RCCallMediaType, RCCallSessionState, RCCallUserState } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { RCCallPlusCallState, RCCallPlusCode, RCCallPlusMediaType } from './enums.js';
import {
  callPlusMediaTypeOfTrack,
  isCallPlusMediaType,
  kindsToPlay,
  toCallLibMediaType,
  toCallPlusCallState,
  toCallPlusCode,
  toCallPlusMediaType,
  wrapperMediaTypeOfTrack,
} from './media-type-map.js';

describe('CallPlus ↔ CallLib media types', () => {
  it('keeps both enums at their published values', () => {
    expect([RCCallPlusMediaType.AUDIO, RCCallPlusMediaType.AUDIO_VIDEO, RCCallPlusMediaType.VIDEO]).toEqual([0, 1, 2]);
    expect([RCCallMediaType.AUDIO, RCCallMediaType.AUDIO_VIDEO]).toEqual([1, 2]);
  });

  it.each([
    [RCCallMediaType.AUDIO, RCCallPlusMediaType.AUDIO],
    [RCCallMediaType.AUDIO_VIDEO, RCCallPlusMediaType.AUDIO_VIDEO],
  ])('a CallLib call of media %i is a CallPlus call of media %i', (callLib, callPlus) => {
    expect(toCallPlusMediaType(callLib)).toBe(callPlus);
  });

  it.each([
    [RCCallPlusMediaType.AUDIO, RCCallMediaType.AUDIO],
    [RCCallPlusMediaType.AUDIO_VIDEO, RCCallMediaType.AUDIO_VIDEO],
    [RCCallPlusMediaType.VIDEO, RCCallMediaType.AUDIO_VIDEO],
  ])('startCall with CallPlus media %i places a CallLib call of media %i', (callPlus, callLib) => {
    expect(toCallLibMediaType(callPlus)).toBe(callLib);
  });

  it("reports tracks to the wrapper in CallLib's enum, and the seed's conversion gives back what playMedia needs", () => {
    for (const kind of ['audio', 'video'] as const) {
      const reported = wrapperMediaTypeOfTrack(kind);
      // The seed's conversion, verbatim in meaning: AUDIO → RCCallPlusMediaType.AUDIO, anything else → VIDEO.
      const converted = reported === RCCallMediaType.AUDIO ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.VIDEO;
      expect(converted).toBe(callPlusMediaTypeOfTrack(kind));
      expect(kindsToPlay(converted)).toEqual([kind]);
    }
    expect(wrapperMediaTypeOfTrack('audio')).toBe(RCCallMediaType.AUDIO);
    expect(wrapperMediaTypeOfTrack('video')).toBe(RCCallMediaType.AUDIO_VIDEO);
  });

  it('plays both kinds for AUDIO_VIDEO', () => {
    expect(kindsToPlay(RCCallPlusMediaType.AUDIO_VIDEO)).toEqual(['audio', 'video']);
  });

  it('recognises only the three CallPlus media types', () => {
    expect([0, 1, 2].every(isCallPlusMediaType)).toBe(true);
    for (const bad of [3, -1, '1', null, undefined, 1.5]) expect(isCallPlusMediaType(bad)).toBe(false);
  });
});

describe('CallLib codes → CallPlus codes', () => {
  it.each([
    [RCCallErrorCode.SUCCESS, RCCallPlusCode.SUCCESS],
    [RCCallErrorCode.STATE_MACHINE_EXIT, RCCallPlusCode.SESSION_EXIST],
    [RCCallErrorCode.PARAM_ERROR, RCCallPlusCode.PARAM_ERROR],
    [RCCallErrorCode.GET_LOCAL_AUDIO_TRACK_ERROR, RCCallPlusCode.MICROPHONE_CLOSED],
    [RCCallErrorCode.GET_LOCAL_VIDEO_TRACK_ERROR, RCCallPlusCode.CAMERA_CLOSED],
    [RCCallErrorCode.GET_LOCAL_AUDIO_AND_VIDEO_TRACK_ERROR, RCCallPlusCode.CAMERA_CLOSED],
    [RCCallErrorCode.REJECTED_BY_BLACKLIST, RCCallErrorCode.REJECTED_BY_BLACKLIST],
  ])('%i → %i', (callLib, callPlus) => {
    expect(toCallPlusCode(callLib)).toBe(callPlus);
  });
});

describe('CallPlus session state', () => {
  it.each([
    [RCCallSessionState.WAITING, RCCallUserState.WAITING, true, RCCallPlusCallState.CALLING],
    [RCCallSessionState.WAITING, RCCallUserState.WAITING, false, RCCallPlusCallState.RINGING],
    [RCCallSessionState.WAITING, RCCallUserState.KEEPING, false, RCCallPlusCallState.CONNECTING],
    [RCCallSessionState.KEEPING, RCCallUserState.KEEPING, true, RCCallPlusCallState.ONCALL],
    [RCCallSessionState.END, RCCallUserState.NONE, false, RCCallPlusCallState.ENDED],
  ])('session %i, self %i, caller %s → %i', (session, self, isCaller, expected) => {
    expect(toCallPlusCallState(session, self, isCaller)).toBe(expected);
  });
});
