import { RCFrameRate, RCResolution } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { transFrameRate, transResolution } from './helper.js';
import { isValidTag, RCTag, streamIdOf, tagFromStreamId, trackIdOf } from './ids.js';

describe('id conventions', () => {
  it('streamId = userId_tag, trackId = streamId_kind', () => {
    expect(streamIdOf('alice', RCTag.DEFAULT)).toBe('alice_RongCloudRTC');
    expect(trackIdOf('alice', RCTag.DEFAULT, 'video')).toBe('alice_RongCloudRTC_video');
  });
  it('recovers the tag from a stream id using the known owner, even with _ in ids', () => {
    expect(tagFromStreamId('a_b', 'a_b_screen_share')).toBe('screen_share');
    expect(tagFromStreamId('x@y.com', 'RongCloudRTC')).toBe('RongCloudRTC');
  });
  it('validates tags', () => {
    expect(isValidTag('RongCloudRTC')).toBe(true);
    expect(isValidTag('')).toBe(false);
    expect(isValidTag('has space')).toBe(false);
    expect(isValidTag(42)).toBe(false);
  });
});

describe('helper', () => {
  it.each([
    [RCResolution.W176_H132, 176, 132],
    [RCResolution.W640_H480, 640, 480],
    [RCResolution.W1280_H720, 1280, 720],
    [RCResolution.W1920_H1080, 1920, 1080],
  ])('transResolution(%s)', (res, width, height) => {
    expect(transResolution(res)).toEqual({ width, height });
  });
  it('covers every RCResolution and RCFrameRate', () => {
    for (const r of Object.values(RCResolution)) expect(transResolution(r).width).toBeGreaterThan(0);
    expect(Object.values(RCFrameRate).map(transFrameRate)).toEqual([10, 15, 24, 30]);
  });
  it('throws on unknown values', () => {
    expect(() => transResolution('W1_H1' as RCResolution)).toThrow(/invalid resolution/);
    expect(() => transFrameRate('FPS_60' as RCFrameRate)).toThrow(/invalid frame rate/);
  });
});
