/**
 * State of one WebSocket from hello to close (see socket-session.ts).
 *
 *   awaiting_hello ──hello_ok──▶ authenticated ──close──▶ closed
 *        │                           │                      ▲
 *        │                           └──abort──▶ closing ───┤ close (terminated after the grace period)
 *        └────────────── abort (bad hello / timeout) / close ┘
 */
import { defineMachine } from '@opencall/protocol';

export type SocketSessionState = 'awaiting_hello' | 'authenticated' | 'closing' | 'closed';
export type SocketSessionEvent = 'hello_ok' | 'abort' | 'close';

export const SOCKET_SESSION_MACHINE = defineMachine<SocketSessionState, SocketSessionEvent>('socket-session', {
  awaiting_hello: { hello_ok: 'authenticated', abort: 'closing', close: 'closed' },
  authenticated: { abort: 'closing', close: 'closed' },
  closing: { close: 'closed' },
  closed: {},
});
