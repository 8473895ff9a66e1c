/**
 * The server-authoritative call service (DESIGN.md §2): validates intents, drives the call and
 * participant machines, runs ring and reconnect-grace timers, fans out events, stores the record.
 *
 * Reasons: a leaver's own reason goes to the others in `call.member_left` (they map it with
 * `toRemoteEndReason`); when the call ends, each remaining participant gets `call.ended` with the
 * remote form of the reason of the leave that ended it.
 */
import {
  type CallInviteRequest,
  CLIENT_STATED_END_REASONS,
  ConversationType,
  RCCallEndReason,
  RCCallErrorCode,
  type RCCallMediaType,
  toRemoteEndReason,
  type UserProfile,
} from '@opencall/protocol';
import type { Logger } from 'pino';
import type { Storage } from '../../ports.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { Call, type Participant } from './call.js';
import { CallDirectory } from './call-directory.js';
import { CallFanout } from './call-fanout.js';
import { invitedEventFor } from './invited-event.js';
import { MediaRelay } from './media-relay.js';

export interface IntentResult {
  code: number;
  message?: string;
  data?: unknown;
}

export interface CallServiceOptions {
  storage: Storage;
  registry: ConnectionRegistry;
  logger: Logger;
  ringTimeoutMs: number;
  /** How long a participant's chosen device may be disconnected before it leaves with NETWORK_ERROR. */
  reconnectGraceMs?: number;
  now?: () => number;
}

const ok: IntentResult = { code: RCCallErrorCode.SUCCESS };
const fail = (code: RCCallErrorCode, message: string): IntentResult => ({ code, message });

export class CallService {
  readonly calls = new CallDirectory();
  readonly media: MediaRelay;
  private readonly fanout: CallFanout;
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;
  private readonly graceMs: number;

  constructor(private readonly options: CallServiceOptions) {
    this.now = options.now ?? Date.now;
    this.graceMs = options.reconnectGraceMs ?? 20_000;
    this.fanout = new CallFanout(options.registry);
    this.media = new MediaRelay(this.calls, options.registry);
    options.registry.onConnected((connection) => this.deviceConnected(connection));
    options.registry.onDisconnected((connection) => this.deviceDisconnected(connection));
  }

  async invite(from: ImConnection, request: Omit<CallInviteRequest, 't' | 'rid'>): Promise<IntentResult> {
    const { appKey, userId } = from;
    const invitees = [...new Set(request.userIds)];
    if (invitees.includes(userId) || request.targetId === userId) return fail(RCCallErrorCode.PARAM_ERROR, 'cannot call yourself');
    if (request.conversationType === ConversationType.PRIVATE && (invitees.length !== 1 || invitees[0] !== request.targetId)) {
      return fail(RCCallErrorCode.PARAM_ERROR, 'a private call invites exactly its targetId');
    }
    if (request.conversationType === ConversationType.GROUP) {
      const members = new Set(await this.options.storage.groups.members(appKey, request.targetId));
      if (!members.has(userId)) return fail(RCCallErrorCode.NOT_IN_GROUP, 'caller is not a member of the group');
      const outsider = invitees.find((id) => !members.has(id));
      if (outsider) return fail(RCCallErrorCode.NOT_IN_GROUP, `${outsider} is not a member of the group`);
    }
    if (this.calls.get(appKey, request.callId)) return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    if (this.calls.callsOf(appKey, userId).length > 0) return fail(RCCallErrorCode.STATE_MACHINE_EXIT, 'caller is already in a call');

    const now = this.now();
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
      createdAt: now,
      callerProfile: request.user,
    });
    this.calls.add(call);
    this.calls.link(call, userId);
    const busy: Participant[] = [];
    for (const invitee of invitees) {
      const participant = call.addInvitee(invitee, now + this.options.ringTimeoutMs);
      if (this.calls.callsOf(appKey, invitee).length > 0) {
        busy.push(participant);
        continue;
      }
      this.calls.link(call, invitee);
      participant.ringTimer = setTimeout(() => this.ringTimedOut(call, participant), this.options.ringTimeoutMs);
      participant.ringTimer.unref?.();
    }
    for (const participant of call.present()) {
      if (!participant.isCaller && !busy.includes(participant))
        this.fanout.toParticipant(call, participant, invitedEventFor(call, participant, now, false));
    }
    this.options.logger.info({ appKey, callId: call.callId, callerId: userId, invitees: invitees.length }, 'call invited');
    for (const participant of busy) {
      this.fanout.toParticipant(call, participant, invitedEventFor(call, participant, now, true));
      this.leave(call, participant, RCCallEndReason.BUSY_LINE, undefined);
    }
    return ok;
  }

  ringing(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller || participant.state !== 'waiting') return ok;
    if (profile) participant.profile = profile;
    if (!participant.rang) {
      participant.rang = true;
      this.fanout.toOthers(call, participant.userId, {
        type: 'call.ringing',
        callId,
        userId: participant.userId,
        user: participant.profile,
      });
    }
    return ok;
  }

  accept(from: ImConnection, callId: string, mediaType: RCCallMediaType | undefined, profile: UserProfile | undefined): IntentResult {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller) return fail(RCCallErrorCode.INVALID_CALL_STATE, 'the caller cannot accept');
    if (participant.deviceId !== undefined) return fail(RCCallErrorCode.ANSWERED_ON_OTHER_DEVICE, 'answered on another device');
    if (participant.state !== 'waiting') return fail(RCCallErrorCode.INVALID_CALL_STATE, `cannot accept while ${participant.state}`);
    const now = this.now();
    clearTimeout(participant.ringTimer);
    participant.deviceId = from.deviceId;
    participant.joinedAt = now;
    if (profile) participant.profile = profile;
    call.move(participant, 'accept');
    if (call.state === 'ringing') call.beginAt = now;
    call.apply('accepted');
    const caller = call.caller();
    if (caller.state === 'waiting') call.move(caller, 'join');
    if (mediaType !== undefined && mediaType < call.mediaType) call.mediaType = mediaType;
    this.fanout.toOtherDevices(call, participant.userId, from.deviceId, this.endedEvent(call, RCCallEndReason.ACCEPT_BY_OTHER_CLIENT, now));
    this.fanout.toOthers(call, participant.userId, {
      type: 'call.accepted',
      callId,
      userId: participant.userId,
      deviceId: from.deviceId,
      mediaType: call.mediaType,
      user: participant.profile,
    });
    return ok;
  }

  hangup(from: ImConnection, callId: string, statedReason: number | undefined, profile: UserProfile | undefined): IntentResult {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (statedReason !== undefined && !CLIENT_STATED_END_REASONS.includes(statedReason)) {
      return fail(RCCallErrorCode.PARAM_ERROR, `reason ${statedReason} cannot be stated by a client`);
    }
    if (profile) participant.profile = profile;
    this.leave(call, participant, statedReason ?? this.automaticReason(participant), from.deviceId);
    return ok;
  }

  /** CallLib's automatic reason: CANCEL for a waiting caller, REJECT for a waiting callee, else HANGUP. */
  private automaticReason(participant: Participant): RCCallEndReason {
    if (participant.state === 'waiting') return participant.isCaller ? RCCallEndReason.CANCEL : RCCallEndReason.REJECT;
    return RCCallEndReason.HANGUP;
  }

  private participantOf(from: ImConnection, callId: string): { call: Call; participant: Participant } | IntentResult {
    const call = this.calls.get(from.appKey, callId);
    if (!call || call.state === 'ended') return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
    const participant = call.participants.get(from.userId);
    if (!participant || participant.state === 'left') return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
    if (participant.deviceId !== undefined && participant.deviceId !== from.deviceId) {
      return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
    }
    return { call, participant };
  }

  /** A participant leaves with its own reason; `deviceId` is the device that asked (its other devices get 102). */
  private leave(call: Call, participant: Participant, reason: RCCallEndReason, deviceId: string | undefined): void {
    const now = this.now();
    const wasRinging = participant.state === 'waiting' && !participant.isCaller;
    clearTimeout(participant.ringTimer);
    call.move(participant, 'leave');
    participant.leftAt = now;
    participant.endReason = reason;
    this.calls.unlink(call, participant.userId);
    this.media.participantLeft(call, participant);
    if (deviceId !== undefined && wasRinging) {
      this.fanout.toOtherDevices(call, participant.userId, deviceId, this.endedEvent(call, RCCallEndReason.HANGUP_BY_OTHER_CLIENT, now));
    } else if ((deviceId === undefined && reason === RCCallEndReason.NO_RESPONSE) || reason === RCCallEndReason.NETWORK_ERROR) {
      this.fanout.toParticipant(call, participant, this.endedEvent(call, reason, now));
    }
    this.fanout.toOthers(call, participant.userId, {
      type: 'call.member_left',
      callId: call.callId,
      userId: participant.userId,
      reason,
      user: participant.profile,
    });
    const present = call.present();
    const callerLeftUnanswered = participant.isCaller && !call.hasAnswer();
    if (present.length < 2 || callerLeftUnanswered) this.end(call, toRemoteEndReason(reason));
  }

  private end(call: Call, reasonForRemaining: RCCallEndReason): void {
    const now = this.now();
    for (const participant of call.present()) {
      clearTimeout(participant.ringTimer);
      call.move(participant, 'leave');
      participant.leftAt = now;
      participant.endReason = reasonForRemaining;
      this.media.participantLeft(call, participant);
      this.fanout.toParticipant(call, participant, this.endedEvent(call, reasonForRemaining, now));
    }
    call.apply('ended');
    this.calls.remove(call);
    const record = call.toRecord(now);
    this.options.logger.info({ callId: call.callId, endReason: record.endReason, durationMs: record.durationMs }, 'call ended');
    this.options.storage.calls.save(record).catch((error: unknown) => {
      this.options.logger.error({ err: error, callId: call.callId }, 'storing the call record failed');
    });
  }

  private endedEvent(call: Call, reason: RCCallEndReason, now: number) {
    return { type: 'call.ended' as const, callId: call.callId, reason, beginTime: call.beginAt, endTime: now };
  }

  private ringTimedOut(call: Call, participant: Participant): void {
    if (call.state === 'ended' || participant.state !== 'waiting') return;
    this.leave(call, participant, RCCallEndReason.NO_RESPONSE, undefined);
  }

  /** A device came online: replay invitations that still ring for its user; cancel its grace timer. */
  private deviceConnected(connection: ImConnection): void {
    const graceKey = `${connection.appKey}\u0000${connection.userId}\u0000${connection.deviceId}`;
    clearTimeout(this.graceTimers.get(graceKey));
    this.graceTimers.delete(graceKey);
    const now = this.now();
    for (const call of this.calls.callsOf(connection.appKey, connection.userId)) {
      const participant = call.participants.get(connection.userId);
      if (participant && !participant.isCaller && participant.state === 'waiting' && participant.deviceId === undefined) {
        connection.sendEvent(invitedEventFor(call, participant, now, false));
      }
    }
  }

  /** The chosen device of a participant dropped: it has `graceMs` to come back before leaving with NETWORK_ERROR. */
  private deviceDisconnected(connection: ImConnection): void {
    const { appKey, userId, deviceId } = connection;
    if (this.options.registry.deviceConnection(appKey, userId, deviceId)) return;
    const involved = this.calls.callsOf(appKey, userId).filter((call) => call.participants.get(userId)?.deviceId === deviceId);
    if (involved.length === 0) return;
    const graceKey = `${appKey}\u0000${userId}\u0000${deviceId}`;
    clearTimeout(this.graceTimers.get(graceKey));
    const timer = setTimeout(() => {
      this.graceTimers.delete(graceKey);
      for (const call of involved) {
        const participant = call.participants.get(userId);
        if (call.state !== 'ended' && participant && participant.state !== 'left' && participant.deviceId === deviceId) {
          this.leave(call, participant, RCCallEndReason.NETWORK_ERROR, undefined);
        }
      }
    }, this.graceMs);
    timer.unref?.();
    this.graceTimers.set(graceKey, timer);
  }

  /** Stop every timer (server shutdown). Calls in flight are not recorded as ended. */
  close(): void {
    for (const call of this.calls.all()) for (const p of call.participants.values()) clearTimeout(p.ringTimer);
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }
}
