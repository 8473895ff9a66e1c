import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import { SOCKET_SESSION_MACHINE, type SocketSessionEvent, type SocketSessionState } from './socket-session-machine.js';

const STATES = allOf<SocketSessionState>()(['awaiting_hello', 'authenticated', 'closing', 'closed']);
const EVENTS = allOf<SocketSessionEvent>()(['hello_ok', 'abort', 'close']);
const LEGAL: [SocketSessionState, SocketSessionEvent, SocketSessionState][] = [
  ['awaiting_hello', 'hello_ok', 'authenticated'],
  ['awaiting_hello', 'abort', 'closing'],
  ['awaiting_hello', 'close', 'closed'],
  ['authenticated', 'abort', 'closing'],
  ['authenticated', 'close', 'closed'],
  ['closing', 'close', 'closed'],
];

describe('socket session machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(SOCKET_SESSION_MACHINE, STATES, EVENTS, LEGAL)).toEqual([]);
  });
});
