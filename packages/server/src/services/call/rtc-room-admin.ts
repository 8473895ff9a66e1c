/**
 * The server API's hold on media rooms (reference/server-api.md §4; room id = call id): what a room
 * holds (members, join times, published tracks), kicking members, destroying rooms, and the RTC bans
 * checked when a device joins a room.
 *
 * A kicked or banned participant leaves the call with KICKED_BY_SERVER (23) on their devices; the
 * others see REMOTE_KICKED_BY_SERVER (33). A kick is not a ban: the user may call again at once.
 * Only calls this node owns are changed here; in cluster mode the composition root asks every node.
 */
import { RCCallEndReason, RCCallErrorCode, rtcSessionIdOf } from '@opencall/protocol';
import type { ActiveCallStore, RtcBanStore } from '../../ports/index.js';
import type { PublishedTrack } from '../room/published-media.js';
import type { Call, Participant } from './call.js';
import type { CallContext, CallCore } from './call-core.js';
import { callFromSnapshot } from './call-snapshot.js';
import { fail, type IntentResult } from './intent-result.js';

export interface RtcRoomMemberView {
  userId: string;
  /** Server ms the user joined the call (as `getJoinedUserInfo` reports it). */
  joinTime: number;
  /** Empty when unknown (a room whose call another node owns). */
  published: PublishedTrack[];
}

export interface RtcRoomView {
  roomId: string;
  sessionId: string;
  /** Server ms the call connected. */
  createTime: number;
  members: RtcRoomMemberView[];
}

/** The room of `call`, or undefined when nobody is in it. */
export function roomViewOf(call: Call, publishedBy: (userId: string) => PublishedTrack[]): RtcRoomView | undefined {
  if (call.state === 'ended') return undefined;
  const members = [...call.participants.values()]
    .filter((p) => p.state === 'keeping' && p.inRoom)
    .map((p) => ({ userId: p.userId, joinTime: p.joinedAt, published: publishedBy(p.userId) }));
  if (members.length === 0) return undefined;
  // The session id every participant's SDK got when the call connected (`getRTCSessionId()`).
  return { roomId: call.callId, sessionId: rtcSessionIdOf(call.callId, call.beginAt), createTime: call.beginAt, members };
}

export class RtcRoomAdmin {
  constructor(
    private readonly core: Pick<CallCore, 'leave' | 'end' | 'owns'>,
    private readonly ctx: Pick<CallContext, 'calls' | 'mediaRooms' | 'now'> & {
      storage: { activeCalls: ActiveCallStore; rtcBans: RtcBanStore };
    },
  ) {}

  /** The room as this node runs it, else as the journal last stored it (its owner is another node). */
  async view(appKey: string, roomId: string): Promise<RtcRoomView | undefined> {
    const local = this.ctx.calls.get(appKey, roomId);
    if (local) return roomViewOf(local, (userId) => this.ctx.mediaRooms.publishedBy(local, userId));
    const stored = await this.ctx.storage.activeCalls.get(appKey, roomId);
    if (!stored) return undefined;
    return roomViewOf(callFromSnapshot(stored.snapshot).call, () => []);
  }

  /** `userIds` still in the call leave it with KICKED_BY_SERVER; returns whether this node runs the call. */
  kick(appKey: string, roomId: string, userIds: readonly string[]): boolean {
    const call = this.ownedCall(appKey, roomId);
    if (!call) return false;
    for (const userId of userIds) {
      const participant = call.participants.get(userId);
      if (participant && participant.state !== 'left' && !call.hasEnded())
        this.core.leave(call, participant, RCCallEndReason.KICKED_BY_SERVER, undefined);
    }
    return true;
  }

  /** The call ends for everyone with KICKED_BY_SERVER; returns whether this node runs the call. */
  destroy(appKey: string, roomId: string): boolean {
    const call = this.ownedCall(appKey, roomId);
    if (!call) return false;
    this.core.end(call, RCCallEndReason.KICKED_BY_SERVER);
    return true;
  }

  /**
   * Why the participant may not join the room: an RTC ban covering it. The banned participant is then
   * kicked from the call (23), as a ban made while they were in the room would have.
   */
  async joinRefusal(appKey: string, userId: string, roomId: string): Promise<IntentResult | undefined> {
    const until = await this.ctx.storage.rtcBans.bannedUntil(appKey, userId, roomId, this.ctx.now());
    if (until === undefined) return undefined;
    const call = this.ownedCall(appKey, roomId);
    const participant: Participant | undefined = call?.participants.get(userId);
    if (call && participant && participant.state !== 'left')
      this.core.leave(call, participant, RCCallEndReason.KICKED_BY_SERVER, undefined);
    return fail(RCCallErrorCode.JOIN_ROOM_ERROR, `banned from calls until ${new Date(until).toISOString()}`);
  }

  private ownedCall(appKey: string, roomId: string): Call | undefined {
    const call = this.ctx.calls.get(appKey, roomId);
    return call && !call.hasEnded() && this.core.owns(call) ? call : undefined;
  }
}
