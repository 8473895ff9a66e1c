/**
 * Call intents (client → server requests), 1:1 and group. The server owns the call: clients send
 * intents, the server validates them and fans out events (call-frames.ts) to every device of every
 * participant (docs/architecture.md, "The server owns the call"). Only the server parses these, so
 * they live apart from the events: the browser SDK bundles leave this module out.
 */
import * as z from 'zod/mini';
import { ConversationTypeOfCall, EndReason, MediaType } from './call-frames.js';
import { CallId, Count, GroupId, ShortText, UserId, UserProfile } from './primitives.js';
import { PushVendorConfig } from './push-config.js';
import { HangupTelemetry } from './telemetry-frames.js';

const rid = Count;

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
  /** The call push's per-platform / per-vendor fields (`setPushConfig`'s first argument). */
  pushConfig: z.optional(PushVendorConfig),
  /**
   * The caller's hang-up push (`setPushConfig`'s second argument), kept with the call for the
   * hang-up notices its end causes (cancel, no answer).
   */
  hangupPush: z.optional(
    z.object({ pushTitle: z.optional(ShortText), pushContent: z.optional(ShortText), pushConfig: z.optional(PushVendorConfig) }),
  ),
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
  /** Push shown to those the hang-up reaches offline (`setPushConfig`'s hang-up config). */
  pushTitle: z.optional(ShortText),
  pushContent: z.optional(ShortText),
  pushConfig: z.optional(PushVendorConfig),
  /** This device's last telemetry batch for the call (instead of a `call.telemetry` of its own). */
  telemetry: z.optional(HangupTelemetry),
});

/** Invite more users into a group call (`session.invite`). Users already in the call are ignored. */
export const CallInviteMembersRequest = z.object({
  t: z.literal('call.invite_members'),
  rid,
  callId: CallId,
  userIds: z.array(UserId).check(z.minLength(1), z.maxLength(64)),
  extra: z.optional(ShortText),
  pushTitle: z.optional(ShortText),
  pushContent: z.optional(ShortText),
  pushConfig: z.optional(PushVendorConfig),
  user: z.optional(UserProfile),
});

/** Downgrade the call's media (`descendAbility`): only AUDIO_VIDEO → AUDIO. */
export const CallModifyMediaRequest = z.object({
  t: z.literal('call.modify_media'),
  rid,
  callId: CallId,
  mediaType: z.literal(1),
  user: z.optional(UserProfile),
});

/** Rooms this user's devices are in (`getJoinedUserInfo`). Response data: `{ rooms: JoinedRoomInfo[] }`. */
export const CallJoinedInfoRequest = z.object({ t: z.literal('call.joined_info'), rid, userId: UserId });
/**
 * After a fresh event stream (the server restarted, or the device moved to another server and its
 * stream could not be resumed): which of these calls, still live on the device, go on. Response
 * data: `CallResyncReply`; a call that is over comes with this device's end reason.
 */
export const CallResyncRequest = z.object({
  t: z.literal('call.resync'),
  rid,
  callIds: z.array(CallId).check(z.minLength(1), z.maxLength(8)),
});

export const CALL_REQUESTS = [
  CallInviteRequest,
  CallRingingRequest,
  CallAcceptRequest,
  CallHangupRequest,
  CallInviteMembersRequest,
  CallModifyMediaRequest,
  CallJoinedInfoRequest,
  CallResyncRequest,
] as const;
export const CallRequest = z.discriminatedUnion('t', [...CALL_REQUESTS]);
export type CallRequest = z.infer<typeof CallRequest>;
