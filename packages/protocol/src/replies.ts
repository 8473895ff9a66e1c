/**
 * What each request's `res.data` is, defined once: request type `t` → the schema of its reply data.
 * A request whose reply carries nothing maps to `NoReplyData` (any `data` is dropped). Both sides
 * type replies from this map, and the client checks every reply against it when it arrives.
 */
import * as z from 'zod/mini';
import { CallAcceptReply, CallResyncReply, JoinedRoomInfo } from './call-frames.js';
import type { ClientRequestType } from './client-frames.js';
import { CallId } from './primitives.js';
import { RtcJoinResult } from './rtc-frames.js';
import { SfuDescriptionResult } from './sfu-frames.js';

/** A reply without data. */
export const NoReplyData = z.undefined();

/** `res.data` of `call.invite`, only with GLARE_ANSWER_INSTEAD: the callee's own call to answer instead. */
export const CallInviteReply = z.object({ callId: CallId });
export type CallInviteReply = z.infer<typeof CallInviteReply>;

/** `res.data` of `call.joined_info`. */
export const CallJoinedInfoReply = z.object({ rooms: z.array(JoinedRoomInfo) });
export type CallJoinedInfoReply = z.infer<typeof CallJoinedInfoReply>;

/** Request type → schema of its reply's `data`. Every request type has an entry (checked by the compiler). */
export const REPLY_DATA = {
  'call.invite': CallInviteReply,
  'call.ringing': NoReplyData,
  'call.accept': CallAcceptReply,
  'call.hangup': NoReplyData,
  'call.invite_members': NoReplyData,
  'call.modify_media': NoReplyData,
  'call.joined_info': CallJoinedInfoReply,
  'call.resync': CallResyncReply,
  'rtc.join': RtcJoinResult,
  'rtc.leave': NoReplyData,
  'rtc.signal': NoReplyData,
  'sfu.publish': SfuDescriptionResult,
  'sfu.subscribe': SfuDescriptionResult,
  'sfu.start': NoReplyData,
  'sfu.trickle': NoReplyData,
  'call.telemetry': NoReplyData,
} as const satisfies Record<ClientRequestType, z.ZodMiniType>;

/** The `data` of a reply to request type `T` (`undefined` for requests answered without data). */
export type ReplyData<T extends ClientRequestType> = z.infer<(typeof REPLY_DATA)[T]>;

/** The answer to a request of type `T`: `code` is SUCCESS (10000 for call/rtc requests) or a catalogued error. */
export interface Reply<T extends ClientRequestType = ClientRequestType> {
  code: number;
  message?: string;
  data?: ReplyData<T>;
}

/** A reply whose `data` has not been checked yet (as it comes off the wire). */
export interface UncheckedReply {
  code: number;
  message?: string | undefined;
  data?: unknown;
}

/**
 * Check `reply.data` against the schema of request type `t`. Data that does not fit is dropped and
 * named in `problem` (the code and message are kept): callers see typed data or none.
 */
export function checkReply<T extends ClientRequestType>(t: T, reply: UncheckedReply): { reply: Reply<T>; problem?: string } {
  const base: Reply<T> = { code: reply.code, ...(reply.message === undefined ? {} : { message: reply.message }) };
  if (reply.data === undefined) return { reply: base };
  const parsed = (REPLY_DATA[t] as z.ZodMiniType).safeParse(reply.data);
  if (!parsed.success) {
    if (REPLY_DATA[t] === NoReplyData) return { reply: base };
    const issue = parsed.error.issues[0];
    return { reply: base, problem: `${t} reply data: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.code ?? 'invalid'}` };
  }
  // The schema is the one REPLY_DATA names for `t`, so the parsed value is `ReplyData<T>`.
  return { reply: { ...base, data: parsed.data as ReplyData<T> } };
}
