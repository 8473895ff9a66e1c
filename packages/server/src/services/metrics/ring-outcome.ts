/** How one invitee's ringing ended, for `opencall_ring_outcomes_total{outcome}`. */
import { RCCallEndReason } from '@opencall/protocol';

export const RING_OUTCOMES = ['answered', 'rejected', 'timeout', 'cancelled', 'busy', 'other'] as const;
export type RingOutcome = (typeof RING_OUTCOMES)[number];

/**
 * The outcome of an invitee who left while still ringing, by their own end reason. (An answer is
 * `answered`; an invitee still ringing when the call ends — the caller cancelled, or the call ended
 * otherwise — is `cancelled`.)
 */
export function ringOutcomeOfLeave(reason: RCCallEndReason): RingOutcome {
  switch (reason) {
    case RCCallEndReason.REJECT:
      return 'rejected';
    case RCCallEndReason.NO_RESPONSE:
      return 'timeout';
    case RCCallEndReason.REMOTE_CANCEL:
    case RCCallEndReason.CANCEL:
      return 'cancelled';
    case RCCallEndReason.BUSY_LINE:
    case RCCallEndReason.OTHER_CLIENT_IN_CALL:
      return 'busy';
    default:
      return 'other';
  }
}
