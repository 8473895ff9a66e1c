import { describe, expect, it } from 'vitest';
import { sdkFileFor } from './sdk-file-names.js';

describe('sdkFileFor', () => {
  it.each([
    ['RongIMLib.js', 'RongIMLib.js'],
    ['RCCall.js.map', 'RCCall.js.map'],
    ['RongIMLib-5.9.5.prod.js', 'RongIMLib.js'],
    ['RCRTC-5.7.2.prod.js', 'RCRTC.js'],
    ['RCCall-5.2.10.prod.js', 'RCCall.js'],
    ['RCCall-5.0.1-alpha.12.js', 'RCCall.js'],
    ['RongIMLib-4.2.0.js', 'RongIMLib.js'],
    ['RongIMLib-2.5.10.min.js', 'RongIMLib.js'],
    ['RongIMLib-3.0.7-dev.js', 'RongIMLib.js'],
    ['RCEngine-5.38.0.prod.js', 'RCEngine.js'],
    ['RCRTC.min.js', 'RCRTC.js'],
    ['RongIMLib-5.9.5.prod.js.map', 'RongIMLib.js.map'],
    ['CallPlus-2.1.6.prod.js', 'CallPlus.js'],
    ['CallPlusWrapper-2.1.6.prod.js', 'CallPlusWrapper.js'],
    ['CallPlusWrapper.js', 'CallPlusWrapper.js'],
  ])('%s → %s', (requested, file) => {
    expect(sdkFileFor(requested)).toBe(file);
  });

  it.each([
    'RongIMLib',
    'index.html',
    'RongIMLib-5.9.5.prod.ts',
    '../RongIMLib.js',
    'RongIMLib-.js',
    'RongIMLibX.js',
    'rongimlib.js',
    'RCRTC-5.7.2.prod.js.mapx',
    'CallPlusX-2.1.6.js',
  ])('refuses %s', (requested) => {
    expect(sdkFileFor(requested)).toBeUndefined();
  });
});
