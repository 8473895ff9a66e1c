/**
 * The SFU half of `MemoryRtcRelay` (`mode: 'sfu'`), as the server plays it: `sfu.publish` answers the
 * offer and announces the publisher's feed (`sfu.feed`) to the others in the room (again after a
 * `fresh` publish, after `sfu.feed_gone`); a joiner is told the feeds already up; `sfu.subscribe`
 * answers an offer carrying the feed's tracks (msid lines, as the WebRTC test kit's connections read
 * them); `sfu.start` and `sfu.trickle` are acknowledged and recorded.
 */
import type { RequestBody } from '@opencall/imlib';
import { RCCallErrorCode, type ServerEvent, type UncheckedReply } from '@opencall/protocol';
import { readFakeSdp, writeFakeSdp } from './fake-sdp-media.js';
import type { Member } from './memory-rtc-relay.js';

interface Feed {
  /** The publisher's sent tracks, from its last offer. */
  tracks: { kind: 'audio' | 'video'; streamId: string; trackId: string }[];
}

type SfuBody = Extract<RequestBody, { t: 'sfu.publish' | 'sfu.subscribe' | 'sfu.start' | 'sfu.trickle' }>;

export class MemorySfu {
  /** Feeds by room, then by publisher user id. */
  readonly #feeds = new Map<string, Map<string, Feed>>();
  /** Subscriptions started (`sfu.start`): `roomId/subscriber→feed`. */
  readonly started: string[] = [];
  /** Candidates received (`sfu.trickle`), as `user→connection` (connection: `publisher` or the feed). */
  readonly trickled: string[] = [];
  #version = 0;

  constructor(private readonly membersOf: (roomId: string) => Member[]) {}

  joined(roomId: string, member: Member): void {
    const feeds = [...(this.#feeds.get(roomId)?.keys() ?? [])].filter((userId) => userId !== member.userId);
    for (const userId of feeds) member.deliver({ type: 'sfu.feed', roomId, userId });
  }

  left(roomId: string, member: Member): void {
    if (this.#feeds.get(roomId)?.delete(member.userId))
      this.#announce(roomId, member.userId, { type: 'sfu.feed_gone', roomId, userId: member.userId });
  }

  handle(member: Member, body: SfuBody): UncheckedReply {
    switch (body.t) {
      case 'sfu.publish': {
        const offer = readFakeSdp(body.description.sdp ?? '');
        const tracks = offer.sections.flatMap((s) =>
          s.kind !== 'application' && s.msid ? [{ kind: s.kind, streamId: s.msid.streamId, trackId: s.msid.trackId }] : [],
        );
        const feeds = this.#feeds.get(body.roomId) ?? new Map<string, Feed>();
        this.#feeds.set(body.roomId, feeds);
        const known = feeds.has(member.userId);
        if (known && body.fresh)
          this.#announce(body.roomId, member.userId, { type: 'sfu.feed_gone', roomId: body.roomId, userId: member.userId });
        feeds.set(member.userId, { tracks });
        if (!known || body.fresh)
          this.#announce(body.roomId, member.userId, { type: 'sfu.feed', roomId: body.roomId, userId: member.userId });
        const sections = offer.sections.map((s) => ({ mid: s.mid, kind: s.kind, direction: 'recvonly' as const }));
        return this.#description('answer', sections);
      }
      case 'sfu.subscribe': {
        const feed = this.#feeds.get(body.roomId)?.get(body.feedUserId);
        if (!feed) return { code: RCCallErrorCode.NOT_IN_CALL };
        const sections = feed.tracks.map((t, i) => ({
          mid: String(i),
          kind: t.kind,
          direction: 'sendonly' as const,
          msid: { streamId: `${body.feedUserId}_RongCloudRTC`, trackId: t.trackId },
        }));
        return this.#description('offer', sections);
      }
      case 'sfu.start':
        this.started.push(`${body.roomId}/${member.userId}→${body.feedUserId}`);
        return { code: RCCallErrorCode.SUCCESS };
      case 'sfu.trickle':
        this.trickled.push(`${member.userId}→${body.feedUserId ?? 'publisher'}`);
        return { code: RCCallErrorCode.SUCCESS };
    }
  }

  #description(type: 'offer' | 'answer', sections: Parameters<typeof writeFakeSdp>[0]['sections']): UncheckedReply {
    this.#version += 1;
    return { code: RCCallErrorCode.SUCCESS, data: { description: { type, sdp: writeFakeSdp({ ufrag: 'sfu', sections }, this.#version) } } };
  }

  #announce(roomId: string, publisherId: string, event: ServerEvent): void {
    for (const other of this.membersOf(roomId)) if (other.userId !== publisherId) other.deliver(event);
  }
}
