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
import { defineMachine, RCConnectionStatus } from '@opencall/protocol';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'suspended' | 'disconnected';
export type ConnectionEvent = 'connect' | 'welcome' | 'fatal' | 'unreachable' | 'dropped' | 'disconnect';

export const CONNECTION_STATES: readonly ConnectionState[] = ['idle', 'connecting', 'connected', 'suspended', 'disconnected'];
export const CONNECTION_EVENTS: readonly ConnectionEvent[] = ['connect', 'welcome', 'fatal', 'unreachable', 'dropped', 'disconnect'];

/** Every legal move: `CONNECTION_MACHINE.table[from][event]` is the next state; a missing entry is illegal. */
export const CONNECTION_MACHINE = defineMachine<ConnectionState, ConnectionEvent>('IM connection', {
  idle: { connect: 'connecting' },
  connecting: { welcome: 'connected', fatal: 'disconnected', unreachable: 'disconnected', disconnect: 'disconnected' },
  connected: { dropped: 'suspended', fatal: 'disconnected', disconnect: 'disconnected' },
  suspended: { welcome: 'connected', fatal: 'disconnected', disconnect: 'disconnected' },
  disconnected: { connect: 'connecting' },
});

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
