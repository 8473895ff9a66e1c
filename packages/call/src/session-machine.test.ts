import { RCCallSessionState } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { IllegalSessionTransition, SESSION_TRANSITIONS, type SessionEvent, sessionTransition } from './session-machine.js';

const states = [RCCallSessionState.WAITING, RCCallSessionState.KEEPING, RCCallSessionState.END];
const events: SessionEvent[] = ['connected', 'end'];
const legal: [RCCallSessionState, SessionEvent, RCCallSessionState][] = [
  [RCCallSessionState.WAITING, 'connected', RCCallSessionState.KEEPING],
  [RCCallSessionState.WAITING, 'end', RCCallSessionState.END],
  [RCCallSessionState.KEEPING, 'connected', RCCallSessionState.KEEPING],
  [RCCallSessionState.KEEPING, 'end', RCCallSessionState.END],
];

describe('call session machine', () => {
  for (const from of states) {
    for (const event of events) {
      const edge = legal.find(([f, e]) => f === from && e === event);
      it(`${RCCallSessionState[from]} --${event}--> ${edge ? RCCallSessionState[edge[2]] : 'illegal'}`, () => {
        if (edge) expect(sessionTransition(from, event)).toBe(edge[2]);
        else expect(() => sessionTransition(from, event)).toThrow(IllegalSessionTransition);
      });
    }
  }
  it('has no edges beyond the listed ones', () => {
    expect(Object.values(SESSION_TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0)).toBe(legal.length);
  });
});
