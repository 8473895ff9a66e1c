import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import { type ViewEvent, type ViewState, viewMachine } from './view-machine.js';

const STATES = allOf<ViewState>()(['idle', 'incoming', 'outgoing', 'connecting', 'active', 'ended']);
const EVENTS = allOf<ViewEvent>()(['ring', 'dial', 'accept', 'connected', 'end', 'dismiss']);

/** Every legal edge, written out by hand; every other (state, event) pair must throw. */
const LEGAL = [
  ['idle', 'ring', 'incoming'],
  ['idle', 'dial', 'outgoing'],
  ['incoming', 'accept', 'connecting'],
  ['incoming', 'end', 'ended'],
  ['outgoing', 'connected', 'active'],
  ['outgoing', 'end', 'ended'],
  ['connecting', 'connected', 'active'],
  ['connecting', 'end', 'ended'],
  ['active', 'end', 'ended'],
  ['ended', 'dismiss', 'idle'],
  ['ended', 'ring', 'incoming'],
  ['ended', 'dial', 'outgoing'],
] as const;

describe('CallKit view machine', () => {
  it('has exactly the legal edges listed', () => {
    expect(machineMismatches(viewMachine, STATES, EVENTS, LEGAL)).toEqual([]);
  });

  it('names the illegal move', () => {
    expect(() => viewMachine.next('idle', 'end')).toThrow('callkit-view: illegal transition idle → ? (end)');
  });
});
