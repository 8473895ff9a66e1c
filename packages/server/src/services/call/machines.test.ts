import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../shared/transition-table.js';
import { CALL_TRANSITIONS, type CallEventName, type CallState, callTransition } from './call-machine.js';
import { PARTICIPANT_TRANSITIONS, type ParticipantEvent, type ParticipantState, participantTransition } from './participant-machine.js';

const callStates: CallState[] = ['ringing', 'active', 'ended'];
const callEvents: CallEventName[] = ['accepted', 'ended'];
const callLegal: [CallState, CallEventName, CallState][] = [
  ['ringing', 'accepted', 'active'],
  ['ringing', 'ended', 'ended'],
  ['active', 'accepted', 'active'],
  ['active', 'ended', 'ended'],
];

const partStates: ParticipantState[] = ['waiting', 'keeping', 'left'];
const partEvents: ParticipantEvent[] = ['accept', 'join', 'leave'];
const partLegal: [ParticipantState, ParticipantEvent, ParticipantState][] = [
  ['waiting', 'accept', 'keeping'],
  ['waiting', 'join', 'keeping'],
  ['waiting', 'leave', 'left'],
  ['keeping', 'leave', 'left'],
];

describe('call machine', () => {
  for (const from of callStates) {
    for (const event of callEvents) {
      const legal = callLegal.find(([f, e]) => f === from && e === event);
      it(`${from} --${event}--> ${legal ? legal[2] : 'illegal'}`, () => {
        if (legal) expect(callTransition(from, event)).toBe(legal[2]);
        else expect(() => callTransition(from, event)).toThrow(IllegalTransitionError);
      });
    }
  }
  it('table has exactly the listed legal edges', () => {
    const count = Object.values(CALL_TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(callLegal.length);
  });
});

describe('participant machine', () => {
  for (const from of partStates) {
    for (const event of partEvents) {
      const legal = partLegal.find(([f, e]) => f === from && e === event);
      it(`${from} --${event}--> ${legal ? legal[2] : 'illegal'}`, () => {
        if (legal) expect(participantTransition(from, event)).toBe(legal[2]);
        else expect(() => participantTransition(from, event)).toThrow(/participant: illegal transition from/);
      });
    }
  }
  it('table has exactly the listed legal edges', () => {
    const count = Object.values(PARTICIPANT_TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(partLegal.length);
  });
});
