import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import { CALL_MACHINE, type CallEventName, type CallState } from './call-machine.js';
import { PARTICIPANT_MACHINE, type ParticipantEvent, type ParticipantState } from './participant-machine.js';

const callStates = allOf<CallState>()(['ringing', 'active', 'ended']);
const callEvents = allOf<CallEventName>()(['accepted', 'ended']);
const callLegal: [CallState, CallEventName, CallState][] = [
  ['ringing', 'accepted', 'active'],
  ['ringing', 'ended', 'ended'],
  ['active', 'accepted', 'active'],
  ['active', 'ended', 'ended'],
];

const partStates = allOf<ParticipantState>()(['waiting', 'keeping', 'left']);
const partEvents = allOf<ParticipantEvent>()(['accept', 'join', 'leave']);
const partLegal: [ParticipantState, ParticipantEvent, ParticipantState][] = [
  ['waiting', 'accept', 'keeping'],
  ['waiting', 'join', 'keeping'],
  ['waiting', 'leave', 'left'],
  ['keeping', 'leave', 'left'],
];

describe('call machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(CALL_MACHINE, callStates, callEvents, callLegal)).toEqual([]);
  });
  it('names itself in errors', () => {
    expect(() => CALL_MACHINE.next('ended', 'accepted')).toThrow('call: illegal transition ended → ? (accepted)');
  });
});

describe('participant machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(PARTICIPANT_MACHINE, partStates, partEvents, partLegal)).toEqual([]);
  });
  it('names itself in errors', () => {
    expect(() => PARTICIPANT_MACHINE.next('keeping', 'join')).toThrow('participant: illegal transition keeping → ? (join)');
  });
});
