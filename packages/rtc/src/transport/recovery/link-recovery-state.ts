/**
 * State machine of a P2P link's recovery: what to do when media to one remote user breaks.
 *
 * ```
 *            trouble                    exhausted                 exhausted
 *  watching ─────────▶ restarting ───────────────▶ relinking ───────────────▶ lost
 *     ▲                 │  ▲ retry                  │  ▲ retry                 │
 *     │     healthy     │  └──┘ (ICE restart again)  │  └──┘ (new connection)   │
 *     └─────────────────┴───────────────────────────┘                          │
 *     ▲                       remote_relink: watching/restarting/lost ─▶ relinking
 *     └──────────────── healthy (the remote brought it back) ◀──────────────────┘
 *
 *   any state ──close──▶ closed
 * ```
 *
 * - `trouble`: ICE went `disconnected` / `failed`, or inbound media stopped while ICE still looked fine.
 * - `retry` / `exhausted`: the attempt's window passed without recovery, with attempts left / none left.
 * - `healthy`: ICE connected again, or media flows again.
 * - `remote_relink`: the remote user replaced the connection (its own recovery got that far).
 *
 * Every edge names the action the link takes on it, so the table is the whole behaviour.
 */
import { defineMachine } from '@opencall/protocol';

export type LinkRecoveryState = 'watching' | 'restarting' | 'relinking' | 'lost' | 'closed';
export type LinkRecoveryEvent = 'trouble' | 'retry' | 'exhausted' | 'healthy' | 'remote_relink' | 'close';
/**
 * - `restart_ice`: `RTCPeerConnection.restartIce()` on the current connection.
 * - `relink`: replace the connection (new RTCPeerConnection, new generation, `relink` signal first).
 * - `recovered`: media is back: ask the encoders for a key frame so video resumes at once.
 * - `give_up`: report the link lost (`onRTCPeerConnectionCloseByException`).
 * - `wait`: arm the window timer only (the remote replaced the connection).
 * - `none`: nothing to do.
 */
export type LinkRecoveryAction = 'restart_ice' | 'relink' | 'recovered' | 'give_up' | 'wait' | 'none';

export interface LinkRecoveryEdge {
  to: LinkRecoveryState;
  action: LinkRecoveryAction;
}

export const LINK_RECOVERY_STATES: readonly LinkRecoveryState[] = ['watching', 'restarting', 'relinking', 'lost', 'closed'];
export const LINK_RECOVERY_EVENTS: readonly LinkRecoveryEvent[] = ['trouble', 'retry', 'exhausted', 'healthy', 'remote_relink', 'close'];

const close: LinkRecoveryEdge = { to: 'closed', action: 'none' };

/** Every legal edge: `LINK_RECOVERY_MACHINE.table[from][event] = { to, action }`. */
export const LINK_RECOVERY_MACHINE = defineMachine<LinkRecoveryState, LinkRecoveryEvent, LinkRecoveryEdge>(
  'LinkRecovery',
  {
    watching: {
      trouble: { to: 'restarting', action: 'restart_ice' },
      healthy: { to: 'watching', action: 'none' },
      remote_relink: { to: 'relinking', action: 'wait' },
      close,
    },
    restarting: {
      trouble: { to: 'restarting', action: 'none' },
      retry: { to: 'restarting', action: 'restart_ice' },
      exhausted: { to: 'relinking', action: 'relink' },
      healthy: { to: 'watching', action: 'recovered' },
      remote_relink: { to: 'relinking', action: 'wait' },
      close,
    },
    relinking: {
      trouble: { to: 'relinking', action: 'none' },
      retry: { to: 'relinking', action: 'relink' },
      exhausted: { to: 'lost', action: 'give_up' },
      healthy: { to: 'watching', action: 'recovered' },
      remote_relink: { to: 'relinking', action: 'wait' },
      close,
    },
    lost: {
      trouble: { to: 'lost', action: 'none' },
      healthy: { to: 'watching', action: 'recovered' },
      remote_relink: { to: 'relinking', action: 'wait' },
      close,
    },
    closed: {},
  },
  { targetOf: (edge) => edge.to },
);
