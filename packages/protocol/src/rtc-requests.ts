/**
 * RTC room requests (client → server): join, leave, and signals relayed to another participant.
 * Only the server parses these, so they live apart from the events (rtc-frames.ts): the browser SDK
 * bundles leave this module out.
 */
import * as z from 'zod/mini';
import { CallId, Count, UserId } from './primitives.js';
import { RtcSignal } from './rtc-frames.js';

const rid = Count;

/** Join the media room of a call this device answered. Response data: `RtcJoinResult`. */
export const RtcJoinRequest = z.object({ t: z.literal('rtc.join'), rid, roomId: CallId });
export const RtcLeaveRequest = z.object({ t: z.literal('rtc.leave'), rid, roomId: CallId });
/** Send a signal to the joined device of another user in the room. */
export const RtcSignalRequest = z.object({ t: z.literal('rtc.signal'), rid, roomId: CallId, toUserId: UserId, signal: RtcSignal });

export const RTC_REQUESTS = [RtcJoinRequest, RtcLeaveRequest, RtcSignalRequest] as const;
export const RtcRequest = z.discriminatedUnion('t', [...RTC_REQUESTS]);
export type RtcRequest = z.infer<typeof RtcRequest>;
