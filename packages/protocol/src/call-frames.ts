/**
 * Call intents (client → server requests) and call events (server → client), 1:1 and group.
 * The server owns the call: clients send intents, the server validates them and fans out events
 * to every device of every participant (DESIGN.md §2).
 */
import * as z from 'zod/mini';
import { CallId, Count, DeviceId, GroupId, ShortText, UserId, UserProfile } from './primitives.js';

const rid = Count;
const MediaType = z.literal([1, 2]);
const ConversationTypeOfCall = z.literal([1, 3]);
const EndReason = z.number().check(z.int(), z.gte(1), z.lte(499));

/** Start a call. `callId` is chosen by the caller (it is also the RTC room id). */
export const CallInviteRequest = z.object({
  t: z.literal('call.invite'),
  rid,
  callId: CallId,
  conversationType: ConversationTypeOfCall,
  /** Callee for PRIVATE, group id for GROUP. */
  targetId: z.union([UserId, GroupId]),
  channelId: z.optional(z.string().check(z.maxLength(64))),
  mediaType: MediaType,
  /** Invitees (without the caller). For PRIVATE exactly `[targetId]`. */
  userIds: z.array(UserId).check(z.minLength(1), z.maxLength(64)),
  extra: z.optional(ShortText),
  pushTitle: z.optional(ShortText),
  pushContent: z.optional(ShortText),
  user: z.optional(UserProfile),
});
export type CallInviteRequest = z.infer<typeof CallInviteRequest>;

/** This device is ringing (sent automatically when an invite arrives). */
export const CallRingingRequest = z.object({ t: z.literal('call.ringing'), rid, callId: CallId, user: z.optional(UserProfile) });
/** Answer on this device; the first device of a user wins. */
export const CallAcceptRequest = z.object({
  t: z.literal('call.accept'),
  rid,
  callId: CallId,
  mediaType: z.optional(MediaType),
  user: z.optional(UserProfile),
});
/**
 * Leave the call. Without `reason` the server picks CANCEL / REJECT / HANGUP from the state;
 * a client may state a failure reason (7–10) itself.
 */
export const CallHangupRequest = z.object({
  t: z.literal('call.hangup'),
  rid,
  callId: CallId,
  reason: z.optional(EndReason),
  user: z.optional(UserProfile),
});

export const CALL_REQUESTS = [CallInviteRequest, CallRingingRequest, CallAcceptRequest, CallHangupRequest] as const;
export const CallRequest = z.discriminatedUnion('t', [...CALL_REQUESTS]);
export type CallRequest = z.infer<typeof CallRequest>;

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

export const CALL_EVENTS = [CallInvitedEvent, CallRingingEvent, CallAcceptedEvent, CallMemberLeftEvent, CallEndedEvent] as const;
export const CallEvent = z.discriminatedUnion('type', [...CALL_EVENTS]);
export type CallEvent = z.infer<typeof CallEvent>;
