/**
 * A read-only view of call transitions as they happen (metrics, services/metrics): told by
 * CallWebhooks at the same points as the webhooks, synchronously, without awaiting anything. An
 * observer must not change the call; errors it throws are caught and logged by its own wrapper.
 */
import type { RCCallEndReason } from '@opencall/protocol';
import type { Call, Participant } from './call.js';

export interface CallLifecycleObserver {
  /** `userIds` now ring (a new call, or members added to a group call). */
  invited(call: Call, userIds: readonly string[], at: number): void;
  /** A device of the invitee rings. */
  ringing(call: Call, participant: Participant, at: number): void;
  /** The invitee answered. */
  accepted(call: Call, participant: Participant, at: number): void;
  /** The participant's device joined the media room (its media can flow). */
  roomJoined(call: Call, participant: Participant, at: number): void;
  /** The participant left with its own reason (the call may go on). */
  memberLeft(call: Call, participant: Participant, reason: RCCallEndReason, at: number): void;
  /** The call ended; participants still in it left with the call's end. */
  ended(call: Call, at: number): void;
}
