/**
 * Client mirror of a call session (`RCCallSessionState`), driven only by server events and the
 * user's own intents.
 *
 *   WAITING ──connected──▶ KEEPING
 *      │                     │
 *      └──end──▶ END ◀───────┘ end
 */
import { defineMachine, RCCallSessionState } from '@opencall/protocol';

export type SessionEvent = 'connected' | 'end';

export const SESSION_MACHINE = defineMachine<RCCallSessionState, SessionEvent>(
  'call session',
  {
    [RCCallSessionState.WAITING]: { connected: RCCallSessionState.KEEPING, end: RCCallSessionState.END },
    [RCCallSessionState.KEEPING]: { connected: RCCallSessionState.KEEPING, end: RCCallSessionState.END },
    [RCCallSessionState.END]: {},
  },
  { label: (state) => RCCallSessionState[state] },
);
