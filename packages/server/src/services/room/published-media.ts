/**
 * What a participant publishes, read from the SDP it sends (P2P offers/answers, SFU publish offers):
 * each `m=audio` / `m=video` section that sends (`sendrecv` / `sendonly`) and names its stream with
 * `a=msid:<streamId> <trackId>`. The RTC SDK names streams `<userId>_<tag>` (packages/rtc ids.ts).
 */

export interface PublishedTrack {
  /** 0 audio, 1 video (RongCloud's `mediaType`). */
  mediaType: 0 | 1;
  /** The stream id, `<userId>_<tag>`. */
  msid: string;
  tag: string;
  /** `<msid>_audio` / `<msid>_video`, the SDK's track id. */
  trackId: string;
}

const SENDING = new Set(['sendrecv', 'sendonly']);

/** The sending, named audio/video sections of `sdp` (deduplicated by track id, in SDP order). */
export function publishedTracksOf(sdp: string, userId: string): PublishedTrack[] {
  const tracks = new Map<string, PublishedTrack>();
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  for (const section of sections) {
    const kind = /^m=(audio|video) /.exec(section)?.[1];
    if (kind === undefined) continue;
    const lines = section.split(/\r?\n/);
    const direction = lines.find((line) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line))?.slice(2) ?? 'sendrecv';
    // A rejected section (port 0) sends nothing.
    if (!SENDING.has(direction) || /^m=\w+ 0 /.test(section)) continue;
    const msid = lines.map((line) => /^a=msid:(\S+)/.exec(line)?.[1]).find((id) => id !== undefined && id !== '-');
    if (msid === undefined) continue;
    const prefix = `${userId}_`;
    const trackId = `${msid}_${kind}`;
    tracks.set(trackId, {
      mediaType: kind === 'audio' ? 0 : 1,
      msid,
      tag: msid.startsWith(prefix) ? msid.slice(prefix.length) : msid,
      trackId,
    });
  }
  return [...tracks.values()];
}
