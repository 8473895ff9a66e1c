/**
 * The webhooks a call transition causes: native call events (`call.invited` … `call.missed`) and
 * RongCloud RTC room status sync (room created / member joined / member left / room destroyed). Each is
 * an outbox row handed to the call journal, which commits it in the transaction of the change that
 * caused it; the webhook worker (services/webhooks/webhook-outbox.ts) delivers it. The same points
 * also tell the optional {@link CallLifecycleObserver} (metrics), synchronously.
 */
import { RCCallEndReason, rtcSessionIdOf } from '@opencall/protocol';
import type { NewOutboxRow } from '../../ports/index.js';
import { callEventBody, endedBody, missedInvitees, participantSummary } from '../webhooks/call-event-bodies.js';
import { EXIT_TYPE, ROOM_SYNC_EVENT, type RoomSyncEvent, roomSyncBody } from '../webhooks/room-sync-bodies.js';
import type { WebhookTargets } from '../webhooks/webhook-outbox.js';
import { callEventRow, roomSyncRow } from '../webhooks/webhook-rows.js';
import type { Call, Participant } from './call.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';

/** Where rows go: the call journal. */
export interface WebhookSink {
  enqueue(call: Call, rows: readonly NewOutboxRow[]): void;
}

const NO_TARGETS: WebhookTargets = { callEvents: false, roomSync: false };

/** Leaves the room sync reports as abnormal (RongCloud's `exitType` 3) or kicked. */
function exitTypeOf(participant: Participant): number {
  if (participant.state !== 'left') return EXIT_TYPE.NORMAL;
  if (participant.endReason === RCCallEndReason.NETWORK_ERROR) return EXIT_TYPE.ABNORMAL;
  if (participant.endReason === RCCallEndReason.KICKED_BY_SERVER) return EXIT_TYPE.KICKED;
  return EXIT_TYPE.NORMAL;
}

export class CallWebhooks {
  /** When each room (call) got its first member, and when each member joined it (this process's view). */
  private readonly roomCreatedAt = new WeakMap<Call, number>();
  private readonly roomJoinedAt = new WeakMap<Participant, number>();

  constructor(
    private readonly sink: WebhookSink | undefined,
    private readonly targets: WebhookTargets = NO_TARGETS,
    private readonly now: () => number = Date.now,
    /** Also told of each transition (metrics); never awaited. */
    private readonly observer?: CallLifecycleObserver,
  ) {}

  /** `call.invited`: `userIds` now ring, invited by `inviterId`. */
  invited(call: Call, inviterId: string, userIds: readonly string[]): void {
    this.observer?.invited(call, userIds, this.now());
    if (userIds.length > 0) this.event(call, 'call.invited', { inviterId, userIds: [...userIds] });
  }

  /** `call.ringing`: a device of the invitee rings. */
  ringing(call: Call, participant: Participant): void {
    this.observer?.ringing(call, participant, this.now());
    this.event(call, 'call.ringing', { userId: participant.userId });
  }

  /** `call.accepted`: the invitee answered on `participant.deviceId`. */
  accepted(call: Call, participant: Participant): void {
    this.observer?.accepted(call, participant, this.now());
    this.event(call, 'call.accepted', { userId: participant.userId, deviceId: participant.deviceId ?? null });
  }

  /** `call.member_left`: the participant left the call with their own reason. */
  memberLeft(call: Call, participant: Participant, reason: RCCallEndReason): void {
    this.observer?.memberLeft(call, participant, reason, this.now());
    this.event(call, 'call.member_left', {
      userId: participant.userId,
      reason,
      participant: participantSummary(participant, call.beginAt, this.now()),
    });
  }

  /** `call.ended`, then `call.missed` for each invitee who never answered nor declined. */
  ended(call: Call): void {
    this.observer?.ended(call, this.now());
    if (!this.sink || !this.targetsOf(call).callEvents) return;
    this.sink.enqueue(call, this.endedRows(call, this.now()));
  }

  /** The rows of `call.ended` and its `call.missed` (also written by start-up recovery for the calls it closes); none when call events are off. */
  endedRows(call: Call, now: number): NewOutboxRow[] {
    if (!this.targetsOf(call).callEvents) return [];
    const rows = [callEventRow(call.appKey, call.callId, endedBody(call, now), now)];
    for (const invitee of missedInvitees(call)) {
      const body = callEventBody('call.missed', call, now, {
        userId: invitee.userId,
        inviterId: invitee.inviterId,
        reason: invitee.endReason ?? RCCallEndReason.NO_RESPONSE,
      });
      rows.push(callEventRow(call.appKey, call.callId, body, now));
    }
    return rows;
  }

  /** The participant's device joined the media room: `call.member_joined`, and room sync 2 (first member) and 11. */
  roomJoined(call: Call, participant: Participant): void {
    const now = this.now();
    this.observer?.roomJoined(call, participant, now);
    this.roomJoinedAt.set(participant, now);
    this.event(call, 'call.member_joined', { userId: participant.userId, deviceId: participant.deviceId ?? null });
    if (!this.roomCreatedAt.has(call)) {
      this.roomCreatedAt.set(call, now);
      this.sync(call, ROOM_SYNC_EVENT.CREATED, '', now);
    }
    this.sync(call, ROOM_SYNC_EVENT.MEMBER_JOINED, participant.userId, now, { members: [this.member(participant, now)] });
  }

  /** The participant's device left the media room (or the call): room sync 12, and 3 when the room is now empty. */
  roomLeft(call: Call, participant: Participant, roomEmpty: boolean): void {
    const now = this.now();
    const joinedAt = this.roomJoinedAt.get(participant) ?? (participant.joinedAt || now);
    this.sync(call, ROOM_SYNC_EVENT.MEMBER_LEFT, participant.userId, now, {
      exitType: exitTypeOf(participant),
      durationTime: Math.max(0, now - joinedAt),
      members: [{ userId: participant.userId, joinTime: joinedAt }],
    });
    if (roomEmpty) {
      const createdAt = this.roomCreatedAt.get(call) ?? (call.beginAt || now);
      this.roomCreatedAt.delete(call);
      this.sync(call, ROOM_SYNC_EVENT.DESTROYED, '', now, { durationTime: Math.max(0, now - createdAt) });
    }
  }

  /** Room status sync 20: the participant's published media changed (an SFU publish, the call turned audio-only). */
  resourcesChanged(call: Call, participant: Participant): void {
    if (!this.roomCreatedAt.has(call)) return;
    const now = this.now();
    this.sync(call, ROOM_SYNC_EVENT.RESOURCES_CHANGED, participant.userId, now, { members: [this.member(participant, now)] });
  }

  /** Room status sync 1, the periodic full snapshot, for each room (call) in `calls` that has members. */
  snapshot(calls: readonly Call[]): void {
    const now = this.now();
    for (const call of calls) {
      if (call.hasEnded() || ![...call.participants.values()].some((p) => p.inRoom)) continue;
      if (!this.roomCreatedAt.has(call)) this.roomCreatedAt.set(call, call.beginAt || now);
      this.sync(call, ROOM_SYNC_EVENT.SNAPSHOT, '', now);
    }
  }

  /** Whether room status sync is on (the call service then runs the periodic snapshot). */
  get syncsRooms(): boolean {
    return this.sink !== undefined && (this.targets.roomSync || this.targets.forApp !== undefined);
  }

  /** The call's app's targets (its own callback URLs, else the env-wide ones). */
  private targetsOf(call: Call): WebhookTargets {
    return this.targets.forApp?.(call.appKey) ?? this.targets;
  }

  private member(participant: Participant, now: number) {
    return { userId: participant.userId, joinTime: this.roomJoinedAt.get(participant) ?? (participant.joinedAt || now) };
  }

  private event(call: Call, type: Parameters<typeof callEventBody>[0], extra: Record<string, unknown>): void {
    if (!this.sink || !this.targetsOf(call).callEvents) return;
    const now = this.now();
    this.sink.enqueue(call, [callEventRow(call.appKey, call.callId, callEventBody(type, call, now, extra), now)]);
  }

  private sync(
    call: Call,
    event: RoomSyncEvent,
    userId: string,
    now: number,
    extra: { exitType?: number; durationTime?: number; members?: { userId: string; joinTime: number }[] } = {},
  ): void {
    if (!this.sink || !this.targetsOf(call).roomSync) return;
    const body = roomSyncBody({
      event,
      roomId: call.callId,
      // The SDK's getRTCSessionId() and /rtc/room/query.json give the same id.
      sessionId: rtcSessionIdOf(call.callId, call.beginAt),
      userId,
      timestamp: now,
      members: extra.members ?? [...call.participants.values()].filter((p) => p.inRoom).map((p) => this.member(p, now)),
      ...(extra.exitType !== undefined ? { exitType: extra.exitType } : {}),
      ...(extra.durationTime !== undefined ? { durationTime: extra.durationTime } : {}),
    });
    this.sink.enqueue(call, [roomSyncRow(call.appKey, body, now)]);
  }
}
