/**
 * What devices ask of a call (CallLib's intents): invite, invite members, ringing, accept, hang up,
 * downgrade to audio, and the questions `getJoinedUserInfo` and "may media join". Each is validated
 * against the call and the asking device, the cross-call rules are applied (call-rules.ts), and a
 * change is answered once it is stored (`CallCore.stored`).
 */
import {
  type CallAcceptReply,
  type CallInviteRequest,
  CLIENT_STATED_END_REASONS,
  ConversationType,
  defaultPushTitle,
  ErrorCode,
  type InvitedUser,
  RCCallEndReason,
  RCCallErrorCode,
  RCCallMediaType,
  RCRTCCode,
  rtcSessionIdOf,
  type UserProfile,
} from '@opencall/protocol';
import type { UserCallEntry } from '../../ports/index.js';
import type { ImConnection } from '../im/im-connection.js';
import type { AttemptCounter } from './attempt-counter.js';
import { Call, type Participant } from './call.js';
import { inviteBlocks } from './call-blacklist.js';
import type { CallContext, CallCore } from './call-core.js';
import type { PushText } from './call-push.js';
import { automaticReason, joinedRooms } from './call-queries.js';
import type { CallRules } from './call-rules.js';
import { fail, type IntentResult, ok } from './intent-result.js';
import { invitedEventFor } from './invited-event.js';

/** A `call.invite` request without its frame fields. */
export type InviteBody = Omit<CallInviteRequest, 't' | 'rid'>;

/** Limits the intents enforce. */
export interface IntentLimits {
  ringTimeoutMs: number;
  /** Participants a group call may hold with an SFU (without one the mesh limit applies). */
  maxCallParticipants: number;
  /** Calls placed per user and minute. */
  attempts: AttemptCounter;
}

/** The intents devices send about calls; each answers with an `IntentResult`. */
export class CallIntents {
  constructor(
    private readonly core: Pick<CallCore, 'owns' | 'stored' | 'isDraining' | 'armRingTimer' | 'leave' | 'endedEvent'>,
    private readonly rules: Pick<
      CallRules,
      'callerRefusal' | 'engagedElsewhere' | 'groupRefusal' | 'busyElsewhere' | 'busyReason' | 'stopRingingElsewhere'
    >,
    private readonly ctx: Pick<
      CallContext,
      | 'storage'
      | 'registry'
      | 'logger'
      | 'now'
      | 'calls'
      | 'mediaRooms'
      | 'fanout'
      | 'journal'
      | 'push'
      | 'webhooks'
      | 'timeline'
      | 'cluster'
    >,
    private readonly limits: IntentLimits,
  ) {}

  /** `call.invite`: a new call, placed by `from`, ringing for its invitees. */
  async invite(from: ImConnection, request: InviteBody): Promise<IntentResult> {
    const { calls, cluster } = this.ctx;
    const { appKey, userId } = from;
    const invitees = [...new Set(request.userIds)];
    if (invitees.includes(userId) || request.targetId === userId) return fail(RCCallErrorCode.PARAM_ERROR, 'cannot call yourself');
    const isGroup = request.conversationType === ConversationType.GROUP;
    if (!isGroup && (invitees.length !== 1 || invitees[0] !== request.targetId)) {
      return fail(RCCallErrorCode.PARAM_ERROR, 'a private call invites exactly its targetId');
    }
    if (isGroup) {
      const refused = await this.rules.groupRefusal(appKey, request.targetId, userId, invitees);
      if (refused) return refused;
    } else if (await this.ctx.storage.blacklists.has(appKey, request.targetId, userId)) {
      return fail(RCCallErrorCode.REJECTED_BY_BLACKLIST, 'the callee has blacklisted you');
    }
    const existing = calls.get(appKey, request.callId);
    // The same device sending its invite again (its answer was lost in a signaling pause): already placed.
    if (existing?.init.callerId === userId && existing.init.callerDeviceId === from.deviceId) return this.core.stored();
    if (existing || calls.endedRecently(appKey, request.callId)) return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    if (this.core.isDraining()) return fail(RCCallErrorCode.SERVER_DRAINING, 'the server is shutting down');
    if (isGroup && invitees.length + 1 > this.groupCapacity())
      return fail(RCCallErrorCode.PARTICIPANT_LIMIT, `a group call holds at most ${this.groupCapacity()}`);
    if (!this.limits.attempts.take(`${appKey}\u0000${userId}`))
      return fail(RCCallErrorCode.CALL_RATE_LIMITED, 'too many calls placed in the last minute');
    const callerElsewhere = (await cluster?.elsewhere(appKey, userId)) ?? [];
    const refused = this.rules.callerRefusal(appKey, userId, request.targetId, isGroup, callerElsewhere);
    if (refused) return refused;
    if (cluster && !(await cluster.deps.leases.acquireNew(appKey, request.callId)))
      return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    if (calls.get(appKey, request.callId)) return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    this.rules.stopRingingElsewhere(appKey, userId, request.callId, callerElsewhere);

    const call = new Call({
      appKey,
      callId: request.callId,
      conversationType: request.conversationType,
      targetId: request.targetId,
      channelId: request.channelId ?? '',
      mediaType: request.mediaType,
      callerId: userId,
      callerDeviceId: from.deviceId,
      extra: request.extra ?? '',
      createdAt: this.ctx.now(),
      callerProfile: request.user,
      pushTitle: request.pushTitle ?? defaultPushTitle('zh', request.mediaType),
      pushContent: request.pushContent ?? '',
      ...(request.pushConfig === undefined ? {} : { pushConfig: request.pushConfig }),
      ...(request.hangupPush === undefined ? {} : { hangupPush: request.hangupPush }),
    });
    calls.add(call);
    calls.link(call, userId);
    cluster?.track(call, call.caller());
    this.ctx.logger.debug({ appKey, callId: call.callId, callerId: userId, invitees: invitees.length }, 'call invited');
    await this.addInvitees(call, userId, invitees, request);
    if (!call.hasEnded()) this.ctx.journal.record(call);
    return this.core.stored();
  }

  /** `call.invite_members`: more users ring in a group call. */
  async inviteMembers(
    from: ImConnection,
    callId: string,
    userIds: string[],
    push: PushText & { user?: UserProfile },
  ): Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (call.init.conversationType !== ConversationType.GROUP)
      return fail(RCCallErrorCode.CONVERSATION_NOT_GROUP_ERROR, 'invite is for group calls');
    const fresh = [...new Set(userIds)].filter(
      (id) => call.participants.get(id)?.state !== 'waiting' && call.participants.get(id)?.state !== 'keeping',
    );
    if (fresh.includes(from.userId)) return fail(RCCallErrorCode.PARAM_ERROR, 'cannot invite yourself');
    if (fresh.length === 0) return ok;
    if (call.present().length + fresh.length > this.groupCapacity()) {
      return fail(RCCallErrorCode.PARTICIPANT_LIMIT, `a group call holds at most ${this.groupCapacity()}`);
    }
    const refused = await this.rules.groupRefusal(call.appKey, call.init.targetId, from.userId, fresh);
    if (refused) return refused;
    const invitedUsers = await this.invitedUsers(call, fresh);
    if (call.state === 'ended') return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
    participant.updateProfile(push.user);
    this.ctx.fanout.toOthers(call, from.userId, {
      type: 'call.members_invited',
      callId,
      inviterId: from.userId,
      userIds: fresh,
      user: participant.profile,
      invitedUsers,
    });
    await this.addInvitees(call, from.userId, fresh, push);
    if (!call.hasEnded()) this.ctx.journal.record(call);
    return this.core.stored();
  }

  /** Each invitee with its profile from this call (it was here before), else from the server's user record. */
  private invitedUsers(call: Call, userIds: readonly string[]): Promise<InvitedUser[]> {
    return Promise.all(
      userIds.map(async (userId): Promise<InvitedUser> => {
        const known = call.participants.get(userId)?.profile;
        if (known) return { userId, ...known };
        const record = await this.ctx.storage.users.get(call.appKey, userId).catch(() => undefined);
        return {
          userId,
          ...(record?.name ? { name: record.name.slice(0, 64) } : {}),
          ...(record?.portraitUri ? { portraitUri: record.portraitUri.slice(0, 1024) } : {}),
        };
      }),
    );
  }

  /** Rings the invitees, except those the blacklist rule keeps out (call-blacklist.ts) or who are busy, and stops the rings it ends. */
  private async addInvitees(call: Call, inviterId: string, invitees: string[], push: PushText): Promise<void> {
    const now = this.ctx.now();
    const { blocked, ringsToStop } = await inviteBlocks(this.ctx.storage.blacklists, call, invitees);
    const lookup = this.rules.busyElsewhere(call, invitees);
    const busyElsewhere = lookup ? await lookup : new Map<string, UserCallEntry>();
    if (call.state === 'ended') return;
    const refusals: [Participant, RCCallEndReason][] = [];
    const ringing: string[] = [];
    for (const invitee of invitees) {
      const reachable = this.ctx.registry.isOnline(call.appKey, invitee);
      const participant = call.addInvitee(invitee, inviterId, now + this.limits.ringTimeoutMs, reachable);
      if (blocked.has(invitee)) {
        refusals.push([participant, RCCallEndReason.ADDED_TO_BLACKLIST]);
        continue;
      }
      const busy = this.rules.busyReason(call, participant, busyElsewhere);
      if (busy !== undefined) {
        refusals.push([participant, busy]);
        continue;
      }
      this.ctx.calls.link(call, invitee);
      this.ctx.cluster?.track(call, participant);
      this.core.armRingTimer(call, participant, this.limits.ringTimeoutMs);
      this.ctx.fanout.toParticipant(call, participant, invitedEventFor(call, participant, now));
      if (!reachable) this.ctx.push.send(call, invitee, 'call', push);
      ringing.push(invitee);
    }
    this.ctx.webhooks.invited(call, inviterId, ringing);
    this.ctx.timeline.invited(call, inviterId, ringing);
    for (const [participant, reason] of refusals) this.core.leave(call, participant, reason, undefined);
    for (const userId of ringsToStop) {
      const ringing = call.participants.get(userId);
      if (!call.hasEnded() && ringing?.state === 'waiting')
        this.core.leave(call, ringing, RCCallEndReason.ADDED_TO_BLACKLIST, undefined, true);
    }
  }

  /** `call.ringing`: the invitee's device rings (the others are told once). */
  ringing(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller || participant.state !== 'waiting') return ok;
    participant.updateProfile(profile);
    if (participant.ring()) {
      this.ctx.fanout.toOthers(call, participant.userId, {
        type: 'call.ringing',
        callId,
        userId: participant.userId,
        user: participant.profile,
      });
      this.ctx.webhooks.ringing(call, participant);
      this.ctx.timeline.ringing(call, participant, from.deviceId);
    }
    return ok;
  }

  /** `call.accept`: the invitee answers on this device (cluster mode: after looking up their calls elsewhere). */
  accept(
    from: ImConnection,
    callId: string,
    mediaType: RCCallMediaType | undefined,
    profile: UserProfile | undefined,
  ): IntentResult | Promise<IntentResult> {
    const cluster = this.ctx.cluster;
    if (!cluster) return this.acceptNow(from, callId, mediaType, profile, []);
    return cluster.elsewhere(from.appKey, from.userId).then((elsewhere) => this.acceptNow(from, callId, mediaType, profile, elsewhere));
  }

  /** `elsewhere`: the user's calls other nodes own (cluster mode). */
  private acceptNow(
    from: ImConnection,
    callId: string,
    mediaType: RCCallMediaType | undefined,
    profile: UserProfile | undefined,
    elsewhere: readonly UserCallEntry[],
  ): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller) return fail(RCCallErrorCode.INVALID_CALL_STATE, 'the caller cannot accept');
    // The same device answering again (its answer was lost in a signaling pause): already answered.
    if (participant.deviceId === from.deviceId && participant.state === 'keeping') return this.core.stored(acceptReply(call));
    if (participant.deviceId !== undefined) return fail(RCCallErrorCode.ANSWERED_ON_OTHER_DEVICE, 'answered on another device');
    if (participant.state !== 'waiting') return fail(RCCallErrorCode.INVALID_CALL_STATE, `cannot accept while ${participant.state}`);
    if (this.rules.engagedElsewhere(from.appKey, from.userId, callId, elsewhere))
      return fail(RCCallErrorCode.STATE_MACHINE_EXIT, 'you are in another call');
    this.rules.stopRingingElsewhere(from.appKey, from.userId, callId, elsewhere);
    const now = this.ctx.now();
    participant.answer(from.deviceId, now, profile);
    this.ctx.push.ringSettled(call, participant.userId);
    if (call.state === 'ringing') call.beginAt = now;
    call.apply('accepted');
    const caller = call.caller();
    if (caller.state === 'waiting') caller.join();
    this.ctx.cluster?.track(call, participant);
    this.ctx.cluster?.track(call, caller);
    if (mediaType !== undefined && mediaType < call.mediaType) call.mediaType = mediaType;
    const fanout = this.ctx.fanout;
    fanout.toOtherDevices(call, participant.userId, from.deviceId, this.core.endedEvent(call, RCCallEndReason.ACCEPT_BY_OTHER_CLIENT, now));
    fanout.toOthers(call, participant.userId, {
      type: 'call.accepted',
      callId,
      userId: participant.userId,
      deviceId: from.deviceId,
      mediaType: call.mediaType,
      user: participant.profile,
      rtcSessionId: rtcSessionIdOf(callId, call.beginAt),
    });
    this.ctx.webhooks.accepted(call, participant);
    this.ctx.timeline.accepted(call, participant);
    this.ctx.journal.record(call);
    return this.core.stored(acceptReply(call));
  }

  /** `call.hangup`: the participant leaves (cancel, reject or hang up), with a reason a client may state. */
  hangup(
    from: ImConnection,
    callId: string,
    statedReason: number | undefined,
    profile: UserProfile | undefined,
    push: PushText = {},
  ): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (statedReason !== undefined && !CLIENT_STATED_END_REASONS.includes(statedReason)) {
      return fail(RCCallErrorCode.PARAM_ERROR, `reason ${statedReason} cannot be stated by a client`);
    }
    participant.updateProfile(profile);
    const reason = statedReason ?? automaticReason(participant);
    if (participant.isCaller && !call.hasAnswer()) this.ctx.push.hangupToUnreached(call, reason, push);
    // A callee ending an unanswered 1:1 call: a caller with no device online hears of it by push (the callee's hang-up push).
    else if (!call.hasAnswer() && call.init.conversationType === ConversationType.PRIVATE)
      this.ctx.push.send(call, call.init.callerId, 'hangup', push, reason, participant.userId);
    this.core.leave(call, participant, reason, from.deviceId);
    return this.core.stored();
  }

  /** `descendAbility`: the call becomes audio-only for everyone (one way). */
  modifyMedia(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (call.mediaType === RCCallMediaType.AUDIO) return ok;
    participant.updateProfile(profile);
    call.mediaType = RCCallMediaType.AUDIO;
    this.ctx.fanout.toOthers(call, from.userId, {
      type: 'call.media_modified',
      callId,
      userId: from.userId,
      mediaType: call.mediaType,
      user: participant.profile,
    });
    this.ctx.webhooks.resourcesChanged(call, participant);
    this.ctx.timeline.mediaTypeChanged(call, participant);
    this.ctx.journal.record(call);
    return this.core.stored();
  }

  /** `getJoinedUserInfo`: the media rooms the asking user's devices are in (a user may only ask about themself). */
  joinedInfo(from: ImConnection, userId: string): IntentResult {
    return { ...ok, data: { rooms: userId === from.userId ? joinedRooms(this.ctx.calls, from.appKey, userId) : [] } };
  }

  /** Whether the app's call service for the call's media is on (off → `rtc.join` refused, the call ends with 104). */
  async serviceOpen(appKey: string, roomId: string): Promise<IntentResult | undefined> {
    const call = this.ctx.calls.get(appKey, roomId);
    const app = await this.ctx.storage.apps.get(appKey);
    if (!call || !app) return undefined;
    const open = call.mediaType === RCCallMediaType.AUDIO ? app.audioCallEnabled : app.videoCallEnabled;
    return open ? undefined : fail(RCRTCCode.NOT_OPEN_VIDEO_AUDIO_SERVER, 'the audio/video call service is not enabled for this app');
  }

  private groupCapacity(): number {
    return this.ctx.mediaRooms.groupCapacity(this.limits.maxCallParticipants);
  }

  /** The asking device's place in a live call this node owns, or why it has none. */
  private participantOf(from: ImConnection, callId: string): { call: Call; participant: Participant } | IntentResult {
    const call = this.ctx.calls.get(from.appKey, callId);
    if (!call || call.state === 'ended') return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
    // A transient code: the SDK sends the intent again once this node knows whether it still owns the call.
    if (!this.core.owns(call)) return fail(ErrorCode.TIMEOUT, 'the call is changing servers; try again');
    const participant = call.participants.get(from.userId);
    if (!participant || participant.state === 'left') return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
    if (participant.deviceId !== undefined && participant.deviceId !== from.deviceId) {
      return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
    }
    return { call, participant };
  }
}

/** What a device that answered is told: the call's RTC session id. */
function acceptReply(call: Call): CallAcceptReply {
  return { rtcSessionId: rtcSessionIdOf(call.callId, call.beginAt) };
}
