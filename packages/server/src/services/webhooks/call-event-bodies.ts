/**
 * The bodies of the native call webhooks (`call.invited` … `call.missed`), Standard Webhooks shaped:
 * `{ type, timestamp, data }`. Built from the call at the transition that causes them (pure, no I/O),
 * stored in the outbox as they are, and sent byte for byte on every attempt (the signature covers them).
 */
import { RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { Call, Participant } from '../call/call.js';

export const CALL_EVENT_TYPES = [
  'call.invited',
  'call.ringing',
  'call.accepted',
  'call.member_joined',
  'call.member_left',
  'call.ended',
  'call.missed',
  /** Per-participant quality summary, once the call's last telemetry arrived (services/insights/call-quality-report.ts). */
  'call.quality',
] as const;

export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

export interface CallEventBody {
  type: CallEventType;
  /** When the transition happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

/** A participant as every event describes it; times in ms since the epoch, 0 = not yet. */
export interface ParticipantSummary {
  userId: string;
  isCaller: boolean;
  /** waiting (ringing or calling), keeping (in the call), left. */
  state: string;
  deviceId: string | null;
  inviterId: string;
  joinedAt: number;
  leftAt: number;
  /** The participant's own end reason (RCCallEndReason), null while in the call. */
  endReason: number | null;
  /** Time in the answered call (the later of the call's first answer and their own → left), 0 when it never was answered. */
  durationMs: number;
}

/** An invitee who never answered and did not turn the call down themselves missed it. */
const DECLINED: readonly RCCallEndReason[] = [
  RCCallEndReason.REJECT,
  RCCallEndReason.BUSY_LINE,
  RCCallEndReason.OTHER_CLIENT_IN_CALL,
  RCCallEndReason.OTHER_CLIENT_JOINED_CALL,
  RCCallEndReason.HANGUP_BY_OTHER_CLIENT,
  RCCallEndReason.ADDED_TO_BLACKLIST,
  RCCallEndReason.SERVICE_NOT_OPENED,
  RCCallEndReason.ACCEPT_SYSTEM_CALL,
];

export function mediaTypeName(mediaType: RCCallMediaType): 'audio' | 'video' {
  return mediaType === RCCallMediaType.AUDIO ? 'audio' : 'video';
}

/** `beginAt`: the call's first answer (0 = never answered); time in the call counts from it or the participant's own answer. */
export function participantSummary(participant: Participant, beginAt: number, now: number): ParticipantSummary {
  const end = participant.leftAt || now;
  const from = Math.max(participant.joinedAt, beginAt);
  return {
    userId: participant.userId,
    isCaller: participant.isCaller,
    state: participant.state,
    deviceId: participant.deviceId ?? null,
    inviterId: participant.inviterId,
    joinedAt: participant.joinedAt,
    leftAt: participant.leftAt,
    endReason: participant.endReason ?? null,
    durationMs: beginAt > 0 && participant.joinedAt > 0 && participant.state !== 'waiting' ? Math.max(0, end - from) : 0,
  };
}

/** What every call event carries about the call. */
function callData(call: Call, now: number) {
  return {
    appKey: call.appKey,
    callId: call.callId,
    conversationType: call.init.conversationType,
    targetId: call.init.targetId,
    channelId: call.init.channelId,
    callerId: call.init.callerId,
    mediaType: call.mediaType,
    media: mediaTypeName(call.mediaType),
    createdAt: call.init.createdAt,
    beginAt: call.beginAt,
    participants: [...call.participants.values()].map((p) => participantSummary(p, call.beginAt, now)),
  };
}

export function callEventBody(type: CallEventType, call: Call, now: number, extra: Record<string, unknown> = {}): CallEventBody {
  return { type, timestamp: new Date(now).toISOString(), data: { ...callData(call, now), ...extra } };
}

/** `call.ended`: the call's end reason (its caller's), each side's reason and duration, the call's duration. */
export function endedBody(call: Call, now: number): CallEventBody {
  const caller = call.caller();
  return callEventBody('call.ended', call, now, {
    endAt: now,
    durationMs: call.beginAt > 0 ? Math.max(0, now - call.beginAt) : 0,
    ringDurationMs: Math.max(0, (call.beginAt || now) - call.init.createdAt),
    endReason: caller.endReason ?? RCCallEndReason.HANGUP,
    answered: call.hasAnswer(),
  });
}

/** The invitees of an ended call who missed it (never answered, never declined). */
export function missedInvitees(call: Call): Participant[] {
  return [...call.participants.values()].filter(
    (p) => !p.isCaller && p.joinedAt === 0 && !(p.endReason !== undefined && DECLINED.includes(p.endReason)),
  );
}
