/**
 * State of a call as a whole, owned by the server.
 *
 *   ringing ──accepted──▶ active
 *      │                    │
 *      └──ended──▶ ended ◀──┘ ended   (fewer than two participants left, or the caller
 *                                      left before anyone answered)
 */
import { defineMachine } from '@opencall/protocol';

export type CallState = 'ringing' | 'active' | 'ended';
export type CallEventName = 'accepted' | 'ended';

export const CALL_MACHINE = defineMachine<CallState, CallEventName>('call', {
  ringing: { accepted: 'active', ended: 'ended' },
  /** Later accepts (group members) keep the call active. */
  active: { accepted: 'active', ended: 'ended' },
  ended: {},
});
