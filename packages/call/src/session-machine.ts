/**
 * Client mirror of a call session (`RCCallSessionState`), driven only by server events and the
 * user's own intents.
 *
 *   WAITING ──connected──▶ KEEPING
 *      │                     │
 *      └──end──▶ END ◀───────┘ end
 */
import { RCCallSessionState } from '@opencall/protocol';

export type SessionEvent = 'connected' | 'end';

export class IllegalSessionTransition extends Error {
  constructor(
    readonly from: RCCallSessionState,
    readonly event: SessionEvent,
  ) {
    super(`call session: illegal transition from ${RCCallSessionState[from]} (${event})`);
    this.name = 'IllegalSessionTransition';
  }
}

export const SESSION_TRANSITIONS: Readonly<Record<RCCallSessionState, Partial<Record<SessionEvent, RCCallSessionState>>>> = {
  [RCCallSessionState.WAITING]: { connected: RCCallSessionState.KEEPING, end: RCCallSessionState.END },
  [RCCallSessionState.KEEPING]: { connected: RCCallSessionState.KEEPING, end: RCCallSessionState.END },
  [RCCallSessionState.END]: {},
};

export function sessionTransition(from: RCCallSessionState, event: SessionEvent): RCCallSessionState {
  const to = SESSION_TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalSessionTransition(from, event);
  return to;
}
