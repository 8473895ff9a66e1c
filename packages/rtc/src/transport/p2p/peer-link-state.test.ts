import { describe, expect, it } from 'vitest';
import {
  eventForConnectionState,
  PEER_LINK_EVENTS,
  PEER_LINK_STATES,
  type PeerLinkEvent,
  type PeerLinkState,
  PeerLinkTransitionError,
  transition,
} from './peer-link-state.js';

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

const isLegal = (from: PeerLinkState, event: PeerLinkEvent) => LEGAL.some(([f, e]) => f === from && e === event);
const ILLEGAL = PEER_LINK_STATES.flatMap((from) =>
  PEER_LINK_EVENTS.filter((event) => !isLegal(from, event)).map((event) => [from, event] as const),
);

describe('PeerLink transitions', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  it.each(ILLEGAL)('%s --%s--> rejected', (from, event) => {
    expect(() => transition(from, event)).toThrow(PeerLinkTransitionError);
    expect(() => transition(from, event)).toThrow(`${from} → ? (${event})`);
  });

  it('covers every (state, event) pair exactly once', () => {
    expect(LEGAL.length + ILLEGAL.length).toBe(PEER_LINK_STATES.length * PEER_LINK_EVENTS.length);
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
