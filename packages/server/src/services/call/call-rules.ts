/**
 * The rules that span calls (README "Calls and devices"): a user is in at most one call. Inviting a
 * user who is in another call ends the invite for them at once — BUSY_LINE (4) when no other device
 * of theirs is connected, else OTHER_CLIENT_IN_CALL (22). A user who answers or places a call stops
 * ringing for every other call with OTHER_CLIENT_JOINED_CALL (21). Glare: two users calling each
 * other 1:1 get one call (the second caller answers the first call instead).
 *
 * And what is imposed on calls from outside them: group membership, bans, blacklists, a lost media
 * server, and the commands other nodes send for calls this node owns (cluster mode). In cluster mode
 * each rule also sees the user's calls other nodes own (`elsewhere`).
 */
import { ConversationType, RCCallEndReason, RCCallErrorCode } from '@opencall/protocol';
import type { CallCommand, UserCallEntry } from '../../ports/index.js';
import type { Call, Participant } from './call.js';
import { ringsStoppedByBlacklist } from './call-blacklist.js';
import type { CallContext, CallCore } from './call-core.js';
import { crossingCall, engagedCall } from './call-queries.js';
import { crossingEntry, engagedEntry } from './cluster-calls.js';
import { fail, type IntentResult } from './intent-result.js';
import { invitedEventFor } from './invited-event.js';

/** The cross-call rules, applied by the intents and by the server's own commands (REST API, cluster, media). */
export class CallRules {
  constructor(
    private readonly core: Pick<CallCore, 'leave' | 'end' | 'owns'>,
    private readonly ctx: Pick<CallContext, 'storage' | 'registry' | 'now' | 'calls' | 'cluster' | 'push'>,
  ) {}

  /**
   * Why `userId` may not place a call to `targetId` now: glare (GLARE_ANSWER_INSTEAD with the crossing
   * call's id, 1:1 only) or already engaged in a call. `callerElsewhere`: the caller's calls other nodes own.
   */
  callerRefusal(
    appKey: string,
    userId: string,
    targetId: string,
    isGroup: boolean,
    callerElsewhere: readonly UserCallEntry[],
  ): IntentResult | undefined {
    const crossing = isGroup
      ? undefined
      : (crossingCall(this.ctx.calls, appKey, userId, targetId) ?? crossingEntry(callerElsewhere, targetId));
    if (crossing)
      return { code: RCCallErrorCode.GLARE_ANSWER_INSTEAD, message: 'the callee is calling you', data: { callId: crossing.callId } };
    if (engagedCall(this.ctx.calls, appKey, userId) || engagedEntry(callerElsewhere))
      return fail(RCCallErrorCode.STATE_MACHINE_EXIT, 'caller is already in a call');
    return undefined;
  }

  /** The user is engaged (answered, or placing) in a call other than `callId`, here or in `elsewhere`. */
  engagedElsewhere(appKey: string, userId: string, callId: string, elsewhere: readonly UserCallEntry[]): boolean {
    return (
      engagedCall(this.ctx.calls, appKey, userId, callId) !== undefined ||
      engagedEntry(elsewhere.filter((e) => e.callId !== callId)) !== undefined
    );
  }

  /** Group membership of caller and invitees (blacklists: `CallIntents.addInvitees`). */
  async groupRefusal(appKey: string, groupId: string, inviterId: string, invitees: string[]): Promise<IntentResult | undefined> {
    const members = new Set(await this.ctx.storage.groups.members(appKey, groupId));
    if (!members.has(inviterId)) return fail(RCCallErrorCode.NOT_IN_GROUP, 'you are not a member of the group');
    const outsider = invitees.find((id) => !members.has(id));
    if (outsider) return fail(RCCallErrorCode.NOT_IN_GROUP, `${outsider} is not a member of the group`);
    return undefined;
  }

  /**
   * Cluster mode: for each invitee in a call other nodes own (other than `call`), that call's entry.
   * Undefined outside cluster mode (only the calls here count).
   */
  busyElsewhere(call: Call, invitees: readonly string[]): Promise<Map<string, UserCallEntry>> | undefined {
    const cluster = this.ctx.cluster;
    if (!cluster) return undefined;
    return Promise.all(invitees.map((invitee) => cluster.elsewhere(call.appKey, invitee))).then((entries) => {
      const busy = new Map<string, UserCallEntry>();
      invitees.forEach((invitee, i) => {
        const other = entries[i]?.find((e) => e.callId !== call.callId);
        if (other) busy.set(invitee, other);
      });
      return busy;
    });
  }

  /**
   * The busy rule for an invitee just added to `call`: undefined when they are in no other call (here,
   * or in `busyElsewhere`); else their devices are told and their own reason comes back (4 or 22).
   */
  busyReason(call: Call, participant: Participant, busyElsewhere: ReadonlyMap<string, UserCallEntry>): RCCallEndReason | undefined {
    const other = this.ctx.calls.callsOf(call.appKey, participant.userId, call.callId)[0];
    const remote = busyElsewhere.get(participant.userId);
    if (!other && !remote) return undefined;
    const inOther = other ? other.participants.get(participant.userId)?.deviceId : remote?.deviceId;
    return this.busyInvite(call, participant, inOther);
  }

  /** Tell a busy invitee's devices and return the invitee's own reason (4 or 22). */
  private busyInvite(call: Call, participant: Participant, inOther: string | undefined): RCCallEndReason {
    let otherDevices = false;
    for (const connection of this.ctx.registry.connectionsOf(call.appKey, participant.userId)) {
      const reason =
        inOther === undefined || connection.deviceId === inOther ? RCCallEndReason.BUSY_LINE : RCCallEndReason.OTHER_CLIENT_IN_CALL;
      if (reason === RCCallEndReason.OTHER_CLIENT_IN_CALL) otherDevices = true;
      connection.sendEvent(invitedEventFor(call, participant, this.ctx.now(), reason));
    }
    return otherDevices ? RCCallEndReason.OTHER_CLIENT_IN_CALL : RCCallEndReason.BUSY_LINE;
  }

  /**
   * The user answered or placed a call: every other call that rings for them stops with 21 (those
   * other nodes own are asked to).
   */
  stopRingingElsewhere(appKey: string, userId: string, exceptCallId: string, elsewhere: readonly UserCallEntry[] = []): void {
    for (const call of this.ctx.calls.callsOf(appKey, userId, exceptCallId)) {
      const participant = call.participants.get(userId);
      if (participant?.state === 'waiting' && !participant.isCaller)
        this.core.leave(call, participant, RCCallEndReason.OTHER_CLIENT_JOINED_CALL, undefined);
    }
    this.ctx.cluster?.stopRinging(
      appKey,
      userId,
      elsewhere.filter((e) => e.callId !== exceptCallId),
    );
  }

  /**
   * `ownerId` blacklisted `blockedIds` (`/user/blacklist/add.json`): each of their invitations that rings
   * in a call with a blocked user stops at once on every device with ADDED_TO_BLACKLIST (103); the
   * others see 103 (a 1:1 call ends). Answered calls go on.
   */
  blacklistAdded(appKey: string, ownerId: string, blockedIds: string[]): void {
    for (const [call, owner] of ringsStoppedByBlacklist(this.ctx.calls.callsOf(appKey, ownerId), ownerId, blockedIds)) {
      this.core.leave(call, owner, RCCallEndReason.ADDED_TO_BLACKLIST, undefined, true);
    }
  }

  /** Banned users leave every call with KICKED_BY_SERVER (the others see REMOTE_KICKED_BY_SERVER). */
  usersBanned(appKey: string, userIds: string[]): void {
    for (const userId of userIds) {
      for (const call of this.ctx.calls.callsOf(appKey, userId)) {
        const participant = call.participants.get(userId);
        if (participant && participant.state !== 'left') this.core.leave(call, participant, RCCallEndReason.KICKED_BY_SERVER, undefined);
      }
    }
  }

  /**
   * A device's service worker declined a call ringing `userId` (Web Push, no connection): the user
   * rejects as `call.hangup` from `deviceId` would (their other devices get 102, the others
   * REMOTE_REJECT; a 1:1 caller with no device online gets the hang-up push). False when the call
   * does not ring the user here (ended, answered, not invited, or owned by another node).
   */
  declineRinging(appKey: string, userId: string, deviceId: string, callId: string): boolean {
    const call = this.ctx.calls.get(appKey, callId);
    const participant = call?.participants.get(userId);
    if (!call || call.hasEnded() || !participant || participant.isCaller || participant.state !== 'waiting') return false;
    if (participant.deviceId !== undefined || !this.core.owns(call)) return false;
    if (!call.hasAnswer() && call.init.conversationType === ConversationType.PRIVATE) {
      this.ctx.push.send(call, call.init.callerId, 'hangup', {}, RCCallEndReason.REJECT, userId);
    }
    this.core.leave(call, participant, RCCallEndReason.REJECT, deviceId);
    return true;
  }

  /** Another node's rule for a call this node owns (cluster mode). */
  command(appKey: string, callId: string, command: CallCommand): void {
    const call = this.ctx.calls.get(appKey, callId);
    const participant = call?.participants.get(command.userId);
    if (!call || call.hasEnded() || !participant) return;
    if (command.op === 'decline') {
      this.declineRinging(appKey, command.userId, command.deviceId, callId);
    } else if (command.op === 'stop_ringing' && participant.state === 'waiting' && !participant.isCaller) {
      this.core.leave(call, participant, RCCallEndReason.OTHER_CLIENT_JOINED_CALL, undefined);
    }
  }

  /** The media server of these calls is gone: each ends with NETWORK_ERROR for everyone in it (records stored). */
  endForMediaFailure(rooms: { appKey: string; callId: string }[]): void {
    for (const { appKey, callId } of rooms) {
      const call = this.ctx.calls.get(appKey, callId);
      if (call && !call.hasEnded()) this.core.end(call, RCCallEndReason.NETWORK_ERROR);
    }
  }
}
