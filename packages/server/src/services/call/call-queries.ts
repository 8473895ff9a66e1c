/** Read-only questions about calls in flight, asked by the call service (no I/O, no state changes). */
import { ConversationType, type JoinedRoomInfo, RCCallEndReason } from '@opencall/protocol';
import type { Call, Participant } from './call.js';
import type { CallDirectory } from './call-directory.js';

/** CallLib's automatic reason: CANCEL for a waiting caller, REJECT for a waiting callee, else HANGUP. */
export function automaticReason(participant: Participant): RCCallEndReason {
  if (participant.state === 'waiting') return participant.isCaller ? RCCallEndReason.CANCEL : RCCallEndReason.REJECT;
  return RCCallEndReason.HANGUP;
}

/**
 * Glare: `calleeId` is already calling `callerId` 1:1 and it still rings. The first call to reach
 * the server wins; the second caller's SDK answers it instead, so exactly one call connects.
 */
export function crossingCall(calls: CallDirectory, appKey: string, callerId: string, calleeId: string): Call | undefined {
  return calls.callsOf(appKey, callerId).find((call) => {
    const self = call.participants.get(callerId);
    return (
      call.init.conversationType === ConversationType.PRIVATE &&
      call.state === 'ringing' &&
      call.init.callerId === calleeId &&
      self?.state === 'waiting' &&
      self.deviceId === undefined
    );
  });
}

/** The call the user is engaged in (answered, or placing), other than `exceptCallId`. */
export function engagedCall(calls: CallDirectory, appKey: string, userId: string, exceptCallId?: string): Call | undefined {
  return calls.callsOf(appKey, userId, exceptCallId).find((call) => {
    const participant = call.participants.get(userId);
    return participant !== undefined && (participant.isCaller || participant.state === 'keeping');
  });
}

/** The media rooms a user's devices are in (`getJoinedUserInfo`). */
export function joinedRooms(calls: CallDirectory, appKey: string, userId: string): JoinedRoomInfo[] {
  const rooms: JoinedRoomInfo[] = [];
  for (const call of calls.callsOf(appKey, userId)) {
    const participant = call.participants.get(userId);
    if (participant?.inRoom && participant.deviceId)
      rooms.push({ deviceId: participant.deviceId, roomId: call.callId, joinTime: participant.joinedAt });
  }
  return rooms;
}
