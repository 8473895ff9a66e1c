/**
 * SFU media signaling (group calls through the server's Janus). Browsers never talk to Janus: they
 * send their publisher offer, subscriber answers and ICE candidates to the server, which validates
 * them and relays them to the SFU; the SFU's answers, offers and candidates come back the same way.
 *
 * Flow: `rtc.join` answers `{mode:'sfu'}` → `sfu.publish {offer}` → `{answer}`; for each
 * `sfu.feed {userId}` event: `sfu.subscribe {feedUserId}` → `{offer}` → `sfu.start {answer}`.
 * Candidates both ways with `sfu.trickle` (`feedUserId` absent = the publisher connection;
 * `candidate: null` = end of candidates). The requests are in sfu-requests.ts. `sfu.key_frame` asks a
 * publisher for a key frame when a new subscription to its feed comes up.
 */
import * as z from 'zod/mini';
import { CallId, UserId } from './primitives.js';
import { IceCandidate, SessionDescription } from './rtc-frames.js';

/** `res.data` of `sfu.publish` / `sfu.subscribe`. */
export const SfuDescriptionResult = z.object({ description: SessionDescription });
export type SfuDescriptionResult = z.infer<typeof SfuDescriptionResult>;

/** `userId`'s published media is up in the SFU: subscribe to it. */
export const SfuFeedEvent = z.object({ type: z.literal('sfu.feed'), roomId: CallId, userId: UserId });
/** `userId` stopped publishing. */
export const SfuFeedGoneEvent = z.object({ type: z.literal('sfu.feed_gone'), roomId: CallId, userId: UserId });
/** A candidate from the SFU for the publisher connection (no `feedUserId`) or a subscription. */
export const SfuTrickleEvent = z.object({
  type: z.literal('sfu.trickle'),
  roomId: CallId,
  feedUserId: z.optional(UserId),
  candidate: z.nullable(IceCandidate),
});

/**
 * A new subscription to this device's feed came up: send a video key frame now. The SFU also asks
 * over RTCP, but WebRTC senders ignore RTCP key-frame requests within 300 ms of the last one they
 * honoured, so a subscriber that comes up just after another waited for the next honoured one.
 */
export const SfuKeyFrameEvent = z.object({ type: z.literal('sfu.key_frame'), roomId: CallId });

export const SFU_EVENTS = [SfuFeedEvent, SfuFeedGoneEvent, SfuTrickleEvent, SfuKeyFrameEvent] as const;
export const SfuEvent = z.discriminatedUnion('type', [...SFU_EVENTS]);
export type SfuEvent = z.infer<typeof SfuEvent>;
