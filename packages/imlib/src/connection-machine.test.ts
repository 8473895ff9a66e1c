import { RCConnectionStatus } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_EVENTS,
  CONNECTION_STATES,
  type ConnectionEvent,
  type ConnectionState,
  IllegalConnectionTransition,
  toConnectionStatus,
  transition,
} from './connection-machine.js';

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

const ALL_EDGES = CONNECTION_STATES.flatMap((from) => CONNECTION_EVENTS.map((event) => [from, event] as const));

describe('connection machine', () => {
  it.each(ALL_EDGES)('%s --%s-->', (from, event) => {
    const legal = LEGAL.find(([f, e]) => f === from && e === event);
    if (legal) {
      expect(transition(from, event)).toBe(legal[2]);
    } else {
      expect(() => transition(from, event)).toThrow(IllegalConnectionTransition);
      expect(() => transition(from, event)).toThrow(`${from} → ? (${event})`);
    }
  });

  it('covers every state and event in the edge list', () => {
    expect(ALL_EDGES).toHaveLength(CONNECTION_STATES.length * CONNECTION_EVENTS.length);
    expect(LEGAL.filter(([f, e]) => ALL_EDGES.some(([a, b]) => a === f && b === e))).toHaveLength(LEGAL.length);
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
