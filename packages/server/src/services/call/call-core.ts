/**
 * The shared core of the call service: what every part of it (intents, cross-call rules, continuity)
 * drives — a participant leaves, a call ends, a ring times out — and what each part asks before
 * answering: does this node own the call, is the change stored.
 *
 * Reasons: a leaver's own reason goes to the others in `call.member_left` (they map it with
 * `toRemoteEndReason`); when the call ends, each remaining participant gets `call.ended` with the
 * remote form of the reason of the leave that ended it.
 */
import { RCCallEndReason, RCCallErrorCode, toRemoteEndReason } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { Storage } from '../../ports/index.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { CallTimeline } from '../insights/call-timeline.js';
import type { MediaRoomService } from '../room/media-room-service.js';
import type { Call, Participant } from './call.js';
import type { CallDirectory } from './call-directory.js';
import type { CallFanout } from './call-fanout.js';
import type { CallJournal } from './call-journal.js';
import type { CallPush } from './call-push.js';
import type { CallWebhooks } from './call-webhooks.js';
import type { ClusterCalls } from './cluster-calls.js';
import { fail, type IntentResult, ok } from './intent-result.js';
import { missedCalls } from './offline-records.js';

/** The collaborators the parts of the call service share; each part takes the few it needs (`Pick<CallContext, …>`). */
export interface CallContext {
  readonly storage: Storage;
  readonly registry: ConnectionRegistry;
  readonly logger: Logger;
  readonly now: () => number;
  /** The calls in flight on this node. */
  readonly calls: CallDirectory;
  /** The media rooms of the calls (services/room). */
  readonly mediaRooms: MediaRoomService;
  readonly fanout: CallFanout;
  readonly journal: CallJournal;
  readonly push: CallPush;
  /** Webhook rows (call events, RTC room status sync) written with the transitions. */
  readonly webhooks: CallWebhooks;
  /** The calls' timelines (services/insights), written in groups off the intent path. */
  readonly timeline: CallTimeline;
  /** Cluster mode only: the calls other nodes own. */
  readonly cluster: ClusterCalls | undefined;
}

/** How soon a ring timeout is tried again while this node checks that it still owns the call. */
const OWNERSHIP_RECHECK_MS = 250;
/** Reasons after which the leaver's own devices are told (they did not ask to leave). */
const IMPOSED_REASONS: readonly RCCallEndReason[] = [
  RCCallEndReason.NO_RESPONSE,
  RCCallEndReason.NETWORK_ERROR,
  RCCallEndReason.KICKED_BY_SERVER,
  RCCallEndReason.OTHER_CLIENT_JOINED_CALL,
];

/** The internal transitions of calls in flight, and the ownership and durability checks around them. */
export class CallCore {
  /** Set by `drain()`: no new calls. */
  private draining = false;

  constructor(
    private readonly ctx: Pick<
      CallContext,
      'logger' | 'now' | 'calls' | 'mediaRooms' | 'fanout' | 'journal' | 'push' | 'webhooks' | 'timeline' | 'cluster'
    >,
  ) {}

  /** No new calls from now on (shutdown). */
  drain(): void {
    this.draining = true;
  }

  isDraining(): boolean {
    return this.draining;
  }

  /** This node may act on the call (cluster mode: its lease is surely still valid). */
  owns(call: Call): boolean {
    return this.ctx.cluster?.deps.leases.holds(call.appKey, call.callId) ?? true;
  }

  /**
   * The answer to an intent that changed a call: SUCCESS once the change is committed (acknowledged
   * means stored, even across `kill -9`), STORAGE_UNAVAILABLE if the write failed.
   */
  stored(data?: IntentResult['data']): Promise<IntentResult> {
    return this.ctx.journal.durable().then(
      () => (data === undefined ? ok : { ...ok, data }),
      (error: unknown) => {
        this.ctx.logger.error({ err: error }, 'call change not stored');
        return fail(RCCallErrorCode.STORAGE_UNAVAILABLE, 'the call could not be stored');
      },
    );
  }

  /** The invitee's ring stops after `delayMs` (at once if overdue) with NO_RESPONSE. */
  armRingTimer(call: Call, participant: Participant, delayMs: number): void {
    const timer = setTimeout(() => this.ringTimedOut(call, participant), Math.max(0, delayMs));
    timer.unref?.();
    participant.ringUntil(timer);
  }

  /**
   * A participant leaves with its own reason; `deviceId` is the device that asked (its other ringing
   * devices get 102). The leaver's devices are told when the reason is imposed, or with `tellLeaver`.
   */
  leave(call: Call, participant: Participant, reason: RCCallEndReason, deviceId: string | undefined, tellLeaver = false): void {
    const { calls, cluster, mediaRooms, fanout } = this.ctx;
    const now = this.ctx.now();
    const wasRinging = participant.state === 'waiting' && !participant.isCaller;
    participant.leave(now, reason);
    this.ctx.push.ringSettled(call, participant.userId);
    calls.unlink(call, participant.userId);
    cluster?.untrack(call, participant.userId);
    mediaRooms.participantLeft(call, participant);
    if (deviceId !== undefined && wasRinging) {
      fanout.toOtherDevices(call, participant.userId, deviceId, this.endedEvent(call, RCCallEndReason.HANGUP_BY_OTHER_CLIENT, now));
    } else if (deviceId === undefined && (tellLeaver || IMPOSED_REASONS.includes(reason))) {
      fanout.toParticipant(call, participant, this.endedEvent(call, reason, now));
    }
    fanout.toOthers(call, participant.userId, {
      type: 'call.member_left',
      callId: call.callId,
      userId: participant.userId,
      reason,
      user: participant.profile,
    });
    this.ctx.webhooks.memberLeft(call, participant, reason);
    this.ctx.timeline.left(call, participant, reason);
    const callerLeftUnanswered = participant.isCaller && !call.hasAnswer();
    if (call.present().length < 2 || callerLeftUnanswered) this.end(call, toRemoteEndReason(reason));
    else this.ctx.journal.record(call);
  }

  /** The call ends: everyone still in it gets `call.ended` with `reasonForRemaining`; its record is stored. */
  end(call: Call, reasonForRemaining: RCCallEndReason): void {
    const { calls, cluster, journal } = this.ctx;
    const now = this.ctx.now();
    for (const participant of call.present()) {
      participant.leave(now, reasonForRemaining);
      this.ctx.push.ringSettled(call, participant.userId);
      this.ctx.mediaRooms.participantLeft(call, participant);
      this.ctx.fanout.toParticipant(call, participant, this.endedEvent(call, reasonForRemaining, now));
    }
    call.apply('ended');
    calls.remove(call);
    for (const participant of call.participants.values()) cluster?.untrack(call, participant.userId);
    const record = call.toRecord(now);
    this.ctx.logger.debug({ callId: call.callId, endReason: record.endReason, durationMs: record.durationMs }, 'call ended');
    journal.finish(call, record, missedCalls(call, now));
    this.ctx.webhooks.ended(call);
    this.ctx.timeline.ended(call);
    // The lease goes once the end is stored (until then a takeover would find the call journaled).
    const leases = cluster?.deps.leases;
    if (leases)
      void journal.durable().then(
        () => leases.release(call.appKey, call.callId),
        () => undefined,
      );
  }

  /** The `call.ended` event a device gets when the call ends for it. */
  endedEvent(call: Call, reason: RCCallEndReason, now: number) {
    return { type: 'call.ended' as const, callId: call.callId, reason, beginTime: call.beginAt, endTime: now };
  }

  private ringTimedOut(call: Call, participant: Participant): void {
    if (call.state === 'ended' || participant.state !== 'waiting') return;
    if (!this.owns(call)) {
      // This node's lease is being checked (it was paused or cut off): fire once it is known to hold.
      if (this.ctx.calls.get(call.appKey, call.callId) === call) this.armRingTimer(call, participant, OWNERSHIP_RECHECK_MS);
      return;
    }
    this.ctx.push.send(call, participant.userId, 'hangup', {}, RCCallEndReason.NO_RESPONSE);
    this.leave(call, participant, RCCallEndReason.NO_RESPONSE, undefined);
  }
}
