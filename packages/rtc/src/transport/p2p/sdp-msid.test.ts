import { describe, expect, it } from 'vitest';
import { rewriteMsid, wireStreamId } from './sdp-msid.js';

describe('wireStreamId', () => {
  it('keeps a token-safe stream id', () => {
    expect(wireStreamId('alice_RongCloudRTC', 'RongCloudRTC')).toBe('alice_RongCloudRTC');
  });
  it('falls back to the tag when the user id has characters SDP does not allow', () => {
    expect(wireStreamId('a@b.com_RongCloudRTC', 'RongCloudRTC')).toBe('RongCloudRTC');
  });
});

describe('rewriteMsid', () => {
  const sdp = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=msid:abc-123 track-1',
    'a=ssrc:42 msid:abc-123 track-1',
    'a=msid:other t2',
    '',
  ].join('\r\n');
  it('replaces known local stream ids only', () => {
    const out = rewriteMsid(sdp, new Map([['abc-123', 'alice_RongCloudRTC']]));
    expect(out).toContain('a=msid:alice_RongCloudRTC track-1');
    expect(out).toContain('a=ssrc:42 msid:alice_RongCloudRTC track-1');
    expect(out).toContain('a=msid:other t2');
    expect(out.endsWith('\r\n')).toBe(true);
  });
});
