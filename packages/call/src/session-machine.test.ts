import { allOf, RCCallSessionState } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import { SESSION_MACHINE, type SessionEvent } from './session-machine.js';

/** Written independently of the module under test (the compiler checks that they name every state and event). */
const STATES = allOf<RCCallSessionState>()([RCCallSessionState.WAITING, RCCallSessionState.KEEPING, RCCallSessionState.END]);
const EVENTS = allOf<SessionEvent>()(['connected', 'end']);
const LEGAL: [RCCallSessionState, SessionEvent, RCCallSessionState][] = [
  [RCCallSessionState.WAITING, 'connected', RCCallSessionState.KEEPING],
  [RCCallSessionState.WAITING, 'end', RCCallSessionState.END],
  [RCCallSessionState.KEEPING, 'connected', RCCallSessionState.KEEPING],
  [RCCallSessionState.KEEPING, 'end', RCCallSessionState.END],
];

describe('call session machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(SESSION_MACHINE, STATES, EVENTS, LEGAL)).toEqual([]);
  });

  it('names states by their RCCallSessionState names in errors', () => {
    expect(() => SESSION_MACHINE.next(RCCallSessionState.END, 'connected')).toThrow('call session: illegal transition END → ? (connected)');
  });
});
