/**
 * The IM connection state machine: which states exist, which moves are legal, and how each state
 * shows through IMLib's `RCConnectionStatus`.
 *
 * ```
 *                 connect                 welcome
 *   ┌──────┐   ───────────▶  ┌────────────┐ ─────────▶ ┌───────────┐
 *   │ idle │                 │ connecting │            │ connected │◀──────────┐
 *   └──────┘                 └────────────┘            └───────────┘           │ welcome
 *                               │   ▲                    │       │ dropped     │ (a retry
 *     fatal / unreachable /     │   │ connect            │       ▼             │  succeeded)
 *     disconnect                ▼   │                    │   ┌───────────┐ ────┘
 *                          ┌──────────────┐  fatal /     │   │ suspended │  retries with backoff
 *                          │ disconnected │◀─────────────┘   └───────────┘
 *                          └──────────────┘  disconnect          │
 *                                 ▲──────────────────────────────┘ fatal / disconnect
 * ```
 *
 * - `fatal`: the server refused or said bye with a code a retry cannot fix (bad/expired token,
 *   ban, unknown app), or reconnecting gave up.
 * - `unreachable`: the first connect could not open the socket or got no answer in time.
 * - `dropped`: an established connection died (socket closed, heartbeat timeout, non-fatal bye).
 */
import { RCConnectionStatus } from '@opencall/protocol';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'suspended' | 'disconnected';
export type ConnectionEvent = 'connect' | 'welcome' | 'fatal' | 'unreachable' | 'dropped' | 'disconnect';

export const CONNECTION_STATES: readonly ConnectionState[] = ['idle', 'connecting', 'connected', 'suspended', 'disconnected'];
export const CONNECTION_EVENTS: readonly ConnectionEvent[] = ['connect', 'welcome', 'fatal', 'unreachable', 'dropped', 'disconnect'];

/** Every legal move: `TRANSITIONS[from][event]` is the next state; a missing entry is illegal. */
export const TRANSITIONS: Readonly<Record<ConnectionState, Partial<Record<ConnectionEvent, ConnectionState>>>> = {
  idle: { connect: 'connecting' },
  connecting: { welcome: 'connected', fatal: 'disconnected', unreachable: 'disconnected', disconnect: 'disconnected' },
  connected: { dropped: 'suspended', fatal: 'disconnected', disconnect: 'disconnected' },
  suspended: { welcome: 'connected', fatal: 'disconnected', disconnect: 'disconnected' },
  disconnected: { connect: 'connecting' },
};

/** An illegal move was attempted: a bug in the caller, never a network condition. */
export class IllegalConnectionTransition extends Error {
  constructor(
    readonly from: ConnectionState,
    readonly event: ConnectionEvent,
  ) {
    super(`illegal IM connection transition: ${from} → ? (${event})`);
    this.name = 'IllegalConnectionTransition';
  }
}

/** The state after `event` in `from`; throws `IllegalConnectionTransition` if the move is not in the table. */
export function transition(from: ConnectionState, event: ConnectionEvent): ConnectionState {
  const to = TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalConnectionTransition(from, event);
  return to;
}

/** How a state shows through IMLib's `getConnectionStatus()`. */
export function toConnectionStatus(state: ConnectionState): RCConnectionStatus {
  switch (state) {
    case 'idle':
    case 'disconnected':
      return RCConnectionStatus.DISCONNECTED;
    case 'connecting':
      return RCConnectionStatus.CONNECTING;
    case 'connected':
      return RCConnectionStatus.CONNECTED;
    case 'suspended':
      return RCConnectionStatus.SUSPENDED;
  }
}
