import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  eventForConnectionState,
  PEER_LINK_EVENTS,
  PEER_LINK_MACHINE,
  PEER_LINK_STATES,
  type PeerLinkEvent,
  type PeerLinkState,
} from './peer-link-state.js';

/** Written independently of the module under test (the compiler checks that they name every state and event). */
const STATES = allOf<PeerLinkState>()(['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed']);
const EVENTS = allOf<PeerLinkEvent>()(['start', 'connected', 'disconnected', 'failed', 'restart', 'close']);

const LEGAL: Array<[PeerLinkState, PeerLinkEvent, PeerLinkState]> = [
  ['new', 'start', 'connecting'],
  ['new', 'close', 'closed'],
  ['connecting', 'connected', 'connected'],
  ['connecting', 'failed', 'failed'],
  ['connecting', 'close', 'closed'],
  ['connected', 'disconnected', 'disconnected'],
  ['connected', 'failed', 'failed'],
  ['connected', 'close', 'closed'],
  ['disconnected', 'connected', 'connected'],
  ['disconnected', 'failed', 'failed'],
  ['disconnected', 'close', 'closed'],
  ['failed', 'restart', 'connecting'],
  ['failed', 'connected', 'connected'],
  ['failed', 'close', 'closed'],
];

describe('PeerLink transitions', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(PEER_LINK_MACHINE, STATES, EVENTS, LEGAL)).toEqual([]);
  });

  it('exports complete state and event lists', () => {
    expect([...PEER_LINK_STATES].sort()).toEqual([...STATES].sort());
    expect([...PEER_LINK_EVENTS].sort()).toEqual([...EVENTS].sort());
  });

  it('names itself in errors', () => {
    expect(() => PEER_LINK_MACHINE.next('closed', 'start')).toThrow('PeerLink: illegal transition closed → ? (start)');
  });
});

describe('eventForConnectionState', () => {
  it.each([
    ['connecting', 'connected', 'connected'],
    ['connecting', 'connecting', undefined],
    ['connecting', 'failed', 'failed'],
    ['connected', 'disconnected', 'disconnected'],
    ['disconnected', 'connected', 'connected'],
    ['disconnected', 'failed', 'failed'],
    ['connected', 'connected', undefined],
    ['failed', 'failed', undefined],
    ['failed', 'connected', 'connected'],
    ['connected', 'closed', 'close'],
    ['closed', 'failed', undefined],
    ['new', 'new', undefined],
  ] as const)('%s + pc %s → %s', (current, pcState, expected) => {
    expect(eventForConnectionState(current, pcState)).toBe(expected);
  });
});
