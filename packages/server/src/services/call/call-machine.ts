/**
 * State of a call as a whole, owned by the server.
 *
 *   ringing ──accepted──▶ active
 *      │                    │
 *      └──ended──▶ ended ◀──┘ ended   (fewer than two participants left, or the caller
 *                                      left before anyone answered)
 */
import { nextState, type TransitionTable } from '../shared/transition-table.js';

export type CallState = 'ringing' | 'active' | 'ended';
export type CallEventName = 'accepted' | 'ended';

export const CALL_TRANSITIONS: TransitionTable<CallState, CallEventName> = {
  ringing: { accepted: 'active', ended: 'ended' },
  /** Later accepts (group members) keep the call active. */
  active: { accepted: 'active', ended: 'ended' },
  ended: {},
};

export function callTransition(from: CallState, event: CallEventName): CallState {
  return nextState('call', CALL_TRANSITIONS, from, event);
}
