import type { CallInvitedEvent } from '@opencall/protocol';
import type { Call, Participant } from './call.js';

/** The `call.invited` event for one invitee, with the ring time it has left. */
export function invitedEventFor(call: Call, invitee: Participant, now: number, busyReason?: 4 | 22): CallInvitedEvent {
  return {
    type: 'call.invited',
    callId: call.callId,
    callerId: call.init.callerId,
    inviterId: invitee.inviterId,
    conversationType: call.init.conversationType as 1 | 3,
    targetId: call.init.conversationType === 1 ? call.init.callerId : call.init.targetId,
    channelId: call.init.channelId,
    mediaType: call.mediaType,
    members: [...call.participants.values()]
      .filter((p) => p.state !== 'left' || p === invitee)
      .map((p) => ({ userId: p.userId, state: p.state === 'keeping' ? (2 as const) : (1 as const) })),
    extra: call.init.extra,
    sentTime: call.init.createdAt,
    ringRemainingMs: Math.max(0, invitee.ringDeadline - now),
    user: call.participants.get(invitee.inviterId)?.profile,
    busy: busyReason !== undefined,
    ...(busyReason === undefined ? {} : { busyReason }),
  };
}
