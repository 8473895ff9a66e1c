import { describe, expect, it } from 'vitest';
import { publishedTracksOf } from './published-media.js';

const sdp = (...sections: string[]) => ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...sections].join('\r\n');

describe('publishedTracksOf', () => {
  it('reads sending audio and video sections with their msid', () => {
    const offer = sdp(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=sendrecv',
      'a=msid:alice_RongCloudRTC a1',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=sendonly',
      'a=msid:alice_RongCloudRTC v1',
    );
    expect(publishedTracksOf(offer, 'alice')).toEqual([
      { mediaType: 0, msid: 'alice_RongCloudRTC', tag: 'RongCloudRTC', trackId: 'alice_RongCloudRTC_audio' },
      { mediaType: 1, msid: 'alice_RongCloudRTC', tag: 'RongCloudRTC', trackId: 'alice_RongCloudRTC_video' },
    ]);
  });

  it('skips receive-only, inactive, rejected, unnamed and data sections; a bare tag stays the tag', () => {
    const offer = sdp(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=recvonly',
      'a=msid:alice_x a1',
      'm=video 0 UDP/TLS/RTP/SAVPF 96',
      'a=sendrecv',
      'a=msid:alice_x v1',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=sendrecv',
      'a=msid:- v2',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=inactive',
      'a=msid:alice_x a2',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=sendrecv',
      'a=msid:screen v3',
    );
    expect(publishedTracksOf(offer, 'alice')).toEqual([{ mediaType: 1, msid: 'screen', tag: 'screen', trackId: 'screen_video' }]);
    expect(publishedTracksOf('', 'alice')).toEqual([]);
  });
});
