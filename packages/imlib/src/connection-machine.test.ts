import { allOf, RCConnectionStatus } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_EVENTS,
  CONNECTION_MACHINE,
  CONNECTION_STATES,
  type ConnectionEvent,
  type ConnectionState,
  toConnectionStatus,
} from './connection-machine.js';

/** Written independently of the module under test (the compiler checks that they name every state and event). */
const STATES = allOf<ConnectionState>()(['idle', 'connecting', 'connected', 'suspended', 'disconnected']);
const EVENTS = allOf<ConnectionEvent>()(['connect', 'welcome', 'fatal', 'unreachable', 'dropped', 'disconnect']);

/** The expected legal edges, written independently of the table under test. */
const LEGAL: ReadonlyArray<[ConnectionState, ConnectionEvent, ConnectionState]> = [
  ['idle', 'connect', 'connecting'],
  ['connecting', 'welcome', 'connected'],
  ['connecting', 'fatal', 'disconnected'],
  ['connecting', 'unreachable', 'disconnected'],
  ['connecting', 'disconnect', 'disconnected'],
  ['connected', 'dropped', 'suspended'],
  ['connected', 'fatal', 'disconnected'],
  ['connected', 'disconnect', 'disconnected'],
  ['suspended', 'welcome', 'connected'],
  ['suspended', 'fatal', 'disconnected'],
  ['suspended', 'disconnect', 'disconnected'],
  ['disconnected', 'connect', 'connecting'],
];

describe('connection machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(CONNECTION_MACHINE, STATES, EVENTS, LEGAL)).toEqual([]);
  });

  it('exports complete state and event lists', () => {
    expect([...CONNECTION_STATES].sort()).toEqual([...STATES].sort());
    expect([...CONNECTION_EVENTS].sort()).toEqual([...EVENTS].sort());
  });

  it('names itself in errors', () => {
    expect(() => CONNECTION_MACHINE.next('idle', 'welcome')).toThrow('IM connection: illegal transition idle → ? (welcome)');
  });

  it.each([
    ['idle', RCConnectionStatus.DISCONNECTED],
    ['connecting', RCConnectionStatus.CONNECTING],
    ['connected', RCConnectionStatus.CONNECTED],
    ['suspended', RCConnectionStatus.SUSPENDED],
    ['disconnected', RCConnectionStatus.DISCONNECTED],
  ] as const)('%s shows as status %i', (state, status) => {
    expect(toConnectionStatus(state)).toBe(status);
  });
});
