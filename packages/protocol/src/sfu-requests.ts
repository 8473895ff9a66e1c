/**
 * SFU requests (client → server): publish, subscribe, start a subscription, trickle (flow in
 * sfu-frames.ts). Only the server parses these, so they live apart from the events: the browser SDK
 * bundles leave this module out.
 */
import * as z from 'zod/mini';
import { CallId, Count, UserId } from './primitives.js';
import { IceCandidate, SessionDescription } from './rtc-frames.js';

const rid = Count;

/**
 * Publish (or renegotiate) this device's media. Response data: `SfuDescriptionResult` (answer).
 * `fresh`: the offer comes from a new RTCPeerConnection (recovery after ICE restarts failed): the SFU
 * drops the old publisher connection and starts over; subscribers get `sfu.feed_gone`, then `sfu.feed`.
 */
export const SfuPublishRequest = z.object({
  t: z.literal('sfu.publish'),
  rid,
  roomId: CallId,
  description: SessionDescription,
  fresh: z.optional(z.boolean()),
});
/** Receive `feedUserId`'s media. Response data: `SfuDescriptionResult` (the SFU's offer). */
export const SfuSubscribeRequest = z.object({ t: z.literal('sfu.subscribe'), rid, roomId: CallId, feedUserId: UserId });
/** Answer the SFU's subscription offer. */
export const SfuStartRequest = z.object({
  t: z.literal('sfu.start'),
  rid,
  roomId: CallId,
  feedUserId: UserId,
  description: SessionDescription,
});
/** A browser candidate for the publisher connection (no `feedUserId`) or a subscription. */
export const SfuTrickleRequest = z.object({
  t: z.literal('sfu.trickle'),
  rid,
  roomId: CallId,
  feedUserId: z.optional(UserId),
  candidate: z.nullable(IceCandidate),
});

export const SFU_REQUESTS = [SfuPublishRequest, SfuSubscribeRequest, SfuStartRequest, SfuTrickleRequest] as const;
export const SfuRequest = z.discriminatedUnion('t', [...SFU_REQUESTS]);
export type SfuRequest = z.infer<typeof SfuRequest>;
