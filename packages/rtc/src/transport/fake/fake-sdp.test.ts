import { describe, expect, it } from 'vitest';
import { decodeFakeSdp, encodeFakeSdp } from './fake-sdp.js';

describe('fake SDP', () => {
  const tracks = [{ tag: 'RongCloudRTC', kind: 'audio' as const, trackId: 'a_RongCloudRTC_audio', muted: true }];
  it('round-trips the track list and looks like SDP', () => {
    const sdp = encodeFakeSdp(tracks);
    expect(sdp.startsWith('v=0\r\n')).toBe(true);
    expect(decodeFakeSdp(sdp)).toEqual(tracks);
  });
  it('rejects non-fake or malformed SDP', () => {
    expect(decodeFakeSdp(undefined)).toBeUndefined();
    expect(decodeFakeSdp('v=0\r\ns=-\r\n')).toBeUndefined();
    expect(decodeFakeSdp('v=0\r\na=x-opencall-tracks:{bad\r\n')).toBeUndefined();
    expect(decodeFakeSdp('v=0\r\na=x-opencall-tracks:[{"tag":1}]\r\n')).toEqual([]);
  });
});
