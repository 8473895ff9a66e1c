/**
 * Call events (server → client) and call reply data, 1:1 and group. The server owns the call: clients
 * send intents (call-requests.ts), the server validates them and fans out these events to every device
 * of every participant (docs/architecture.md, "The server owns the call").
 */
import * as z from 'zod/mini';
import type { RCCallEndReason } from './codes/end-reason.js';
import type { ConversationType, RCCallMediaType } from './enums.js';
import { CallId, Count, DeviceId, ShortText, UserId, UserProfile } from './primitives.js';

/** `RCCallMediaType` on the wire: AUDIO (1) or AUDIO_VIDEO (2). */
export const MediaType = z.literal([1, 2]);
/** The conversation types of a call: PRIVATE (1) or GROUP (3). */
export const ConversationTypeOfCall = z.literal([1, 3]);
/** An `RCCallEndReason`. */
export const EndReason = z.number().check(z.int(), z.gte(1), z.lte(499));

/**
 * The RTC session id of a call (CallLib `getRTCSessionId`): assigned by the server when the call
 * connects, the same for every participant, made of the call id and the server time it connected
 * (`beginAt` of the stored call record, `beginTime` of `call.ended`), so records and notices name it.
 */
export const rtcSessionIdOf = (callId: string, beginAt: number): string => `${callId}_${beginAt}`;

/** `res.data` of a successful `call.accept`. */
export const CallAcceptReply = z.object({ rtcSessionId: z.string().check(z.maxLength(128)) });
export type CallAcceptReply = z.infer<typeof CallAcceptReply>;

/** A media room one of the user's devices is in, since `joinTime` (ms): the SDKs' `IRTCJoinedInfo`. */
export const JoinedRoomInfo = z.object({ deviceId: DeviceId, roomId: CallId, joinTime: Count });
export type JoinedRoomInfo = z.infer<typeof JoinedRoomInfo>;

export const CallResyncState = z.object({
  callId: CallId,
  live: z.boolean(),
  /** When not live: this device's end reason, and the call's begin and end times (ms, 0 if unknown). */
  reason: z.optional(EndReason),
  beginTime: z.optional(Count),
  endTime: z.optional(Count),
});
export type CallResyncState = z.infer<typeof CallResyncState>;
export const CallResyncReply = z.object({ calls: z.array(CallResyncState) });
export type CallResyncReply = z.infer<typeof CallResyncReply>;

/** Fields every call event carries. */
const callEventBase = { callId: CallId };

/** An invitation reached this device (also replayed to a device that connects while it rings). */
export const CallInvitedEvent = z.object({
  type: z.literal('call.invited'),
  ...callEventBase,
  callerId: UserId,
  inviterId: UserId,
  conversationType: ConversationTypeOfCall,
  targetId: z.string(),
  channelId: z.string(),
  mediaType: MediaType,
  /** Every participant except those who already left, with their state (1 waiting, 2 keeping). */
  members: z.array(z.object({ userId: UserId, state: z.literal([1, 2]) })),
  extra: z.string(),
  /** Server time the invite was sent (ms). */
  sentTime: Count,
  /** Ring time left for this user (ms), measured by the server. */
  ringRemainingMs: Count,
  user: z.optional(UserProfile),
  /**
   * The user is in another call: the client reports the call (`onSession`) and ends it at once with
   * BUSY_LINE, as CallLib does. The server has already recorded it.
   */
  busy: z.boolean(),
  /** With `busy`: BUSY_LINE (4) on the device that is in the other call, OTHER_CLIENT_IN_CALL (22) on the user's other devices. */
  busyReason: z.optional(z.literal([4, 22])),
});
export type CallInvitedEvent = z.infer<typeof CallInvitedEvent>;

/** A remote user's device is ringing (once per user). */
export const CallRingingEvent = z.object({
  type: z.literal('call.ringing'),
  ...callEventBase,
  userId: UserId,
  user: z.optional(UserProfile),
});
/** A user answered (sent to the other participants and the answering device). */
export const CallAcceptedEvent = z.object({
  type: z.literal('call.accepted'),
  ...callEventBase,
  userId: UserId,
  deviceId: DeviceId,
  mediaType: MediaType,
  user: z.optional(UserProfile),
  /** The call's RTC session id (`rtcSessionIdOf`), set once it connected. */
  rtcSessionId: z.optional(z.string().check(z.maxLength(128))),
});
export type CallAcceptedEvent = z.infer<typeof CallAcceptedEvent>;
/** A user left the call; `reason` is the leaver's own reason (receivers map it with `toRemoteEndReason`). */
export const CallMemberLeftEvent = z.object({
  type: z.literal('call.member_left'),
  ...callEventBase,
  userId: UserId,
  reason: EndReason,
  user: z.optional(UserProfile),
});
export type CallMemberLeftEvent = z.infer<typeof CallMemberLeftEvent>;
/** The call is over for this device; `reason` is from this device's own perspective. */
export const CallEndedEvent = z.object({
  type: z.literal('call.ended'),
  ...callEventBase,
  reason: EndReason,
  /** Server time the call connected (ms), 0 if it never did. */
  beginTime: Count,
  endTime: Count,
});
export type CallEndedEvent = z.infer<typeof CallEndedEvent>;

/**
 * An invited user as CallLib's `IInvitedUsers` (the fields of `ISenderInfo`): the profile the user
 * registered, when it was in this call before, else `name` / `portraitUri` from the server's user record.
 */
export const InvitedUser = z.object({
  userId: UserId,
  name: z.optional(z.string().check(z.maxLength(64))),
  portraitUri: z.optional(z.string().check(z.maxLength(1024))),
  extra: z.optional(ShortText),
});
export type InvitedUser = z.infer<typeof InvitedUser>;

/** Someone in the call invited more users (sent to those already in the call). */
export const CallMembersInvitedEvent = z.object({
  type: z.literal('call.members_invited'),
  ...callEventBase,
  inviterId: UserId,
  userIds: z.array(UserId),
  user: z.optional(UserProfile),
  /** `userIds` with what the server knows of each (same order). */
  invitedUsers: z.optional(z.array(InvitedUser)),
});
/** Someone changed the call's media type (downgrade to audio). */
export const CallMediaModifiedEvent = z.object({
  type: z.literal('call.media_modified'),
  ...callEventBase,
  userId: UserId,
  mediaType: MediaType,
  user: z.optional(UserProfile),
});
/**
 * A call this user missed while no device of theirs was connected (CallLib `IOfflineRecord`): what
 * the server stores, what `call.offline_record` carries and what `onOfflineRecord` hands the app.
 */
export const OfflineCallRecordFields = z.object({
  callId: CallId,
  conversationType: ConversationTypeOfCall,
  targetId: z.string(),
  channelId: z.string(),
  inviterId: UserId,
  mediaType: MediaType,
  endReason: EndReason,
  beginTimestamp: Count,
  endTimestamp: Count,
  duration: Count,
});
/** `OfflineCallRecordFields` with CallLib's enums for the coded fields (the SDK's `IOfflineRecord`). */
export type OfflineCallRecord = Omit<z.infer<typeof OfflineCallRecordFields>, 'conversationType' | 'mediaType' | 'endReason'> & {
  conversationType: ConversationType;
  mediaType: RCCallMediaType;
  endReason: RCCallEndReason;
};

/** A missed call (`OfflineCallRecordFields`), delivered on connect. */
export const CallOfflineRecordEvent = z.object({ type: z.literal('call.offline_record'), ...OfflineCallRecordFields.shape });
export type CallOfflineRecordEvent = z.infer<typeof CallOfflineRecordEvent>;

export const CALL_EVENTS = [
  CallInvitedEvent,
  CallRingingEvent,
  CallAcceptedEvent,
  CallMemberLeftEvent,
  CallEndedEvent,
  CallMembersInvitedEvent,
  CallMediaModifiedEvent,
  CallOfflineRecordEvent,
] as const;
export const CallEvent = z.discriminatedUnion('type', [...CALL_EVENTS]);
export type CallEvent = z.infer<typeof CallEvent>;
