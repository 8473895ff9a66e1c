/**
 * The SDP the WebRTC test kit's `FakePeerConnection` writes and reads: real SDP syntax, one media
 * section per transceiver (`m=audio` / `m=video`, `a=mid`, direction, `a=msid:<stream> <track>` while
 * a track is sent) and `m=application` for data channels. Enough for code that rewrites msid lines
 * and for the fake remote side to raise `track` events; no codecs, no real ICE.
 */

export interface FakeMediaSection {
  mid: string;
  kind: 'audio' | 'video' | 'application';
  direction: RTCRtpTransceiverDirection;
  /** `a=msid` of a sent track: the MediaStream id and the track id. */
  msid?: { streamId: string; trackId: string } | undefined;
}

export interface FakeSessionDescription {
  ufrag: string;
  sections: FakeMediaSection[];
}

export function writeFakeSdp(description: FakeSessionDescription, version: number): string {
  const lines = ['v=0', `o=- 4611 ${version} IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE'];
  for (const section of description.sections) {
    lines.push(
      section.kind === 'application' ? 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel' : `m=${section.kind} 9 UDP/TLS/RTP/SAVPF 96`,
      'c=IN IP4 0.0.0.0',
      `a=ice-ufrag:${description.ufrag}`,
      `a=mid:${section.mid}`,
    );
    if (section.kind === 'application') continue;
    lines.push(`a=${section.direction}`);
    if (section.msid) lines.push(`a=msid:${section.msid.streamId} ${section.msid.trackId}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads SDP written by `writeFakeSdp` (or hand-written in that form); unknown lines are ignored. */
export function readFakeSdp(sdp: string): FakeSessionDescription {
  const sections: FakeMediaSection[] = [];
  let ufrag = '';
  let current: FakeMediaSection | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    const media = /^m=(audio|video|application) /.exec(line);
    if (media) {
      current = { mid: String(sections.length), kind: media[1] as FakeMediaSection['kind'], direction: 'sendrecv' };
      sections.push(current);
      continue;
    }
    if (line.startsWith('a=ice-ufrag:')) ufrag = line.slice('a=ice-ufrag:'.length);
    if (!current) continue;
    if (line.startsWith('a=mid:')) current.mid = line.slice('a=mid:'.length);
    const direction = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line);
    if (direction) current.direction = direction[1] as RTCRtpTransceiverDirection;
    const msid = /^a=msid:(\S+) (\S+)$/.exec(line);
    if (msid) current.msid = { streamId: msid[1]!, trackId: msid[2]! };
  }
  return { ufrag, sections };
}
