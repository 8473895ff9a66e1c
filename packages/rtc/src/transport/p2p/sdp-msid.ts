/**
 * Browsers pick random MediaStream ids; RTCLib's remote side needs the owner's stream id
 * (`${userId}_${tag}`). The outgoing SDP is rewritten so the remote `event.streams[0].id` is that
 * stream id (or the bare tag when the stream id is not a valid SDP token). The local description
 * itself is never changed.
 */

/** RFC 4566 token characters; an msid id is 1–64 of them. */
const MSID_TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,64}$/;

/** The msid stream id to announce for a stream (`streamId`, else `tag`). */
export function wireStreamId(streamId: string, tag: string): string {
  return MSID_TOKEN.test(streamId) ? streamId : tag;
}

/** Replaces every local MediaStream id in `sdp` by its wire id (`a=msid:` and `a=ssrc:… msid:` lines). */
export function rewriteMsid(sdp: string, wireIds: ReadonlyMap<string, string>): string {
  if (wireIds.size === 0) return sdp;
  return sdp
    .split('\r\n')
    .map((line) => {
      const msid = /^(a=msid:|a=ssrc:\d+ msid:)(\S+)(.*)$/.exec(line);
      if (!msid) return line;
      const replacement = wireIds.get(msid[2]!);
      return replacement === undefined ? line : `${msid[1]}${replacement}${msid[3]}`;
    })
    .join('\r\n');
}
