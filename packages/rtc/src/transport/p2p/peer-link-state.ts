/**
 * State machine of one P2P link (one RTCPeerConnection to one remote user).
 *
 * ```
 *            start              connected
 *   new ──────────────▶ connecting ─────────────▶ connected
 *                         │  ▲                     │   ▲
 *                  failed │  │ restart  disconnected│   │ connected
 *                         ▼  │                     ▼   │
 *                        failed ◀──── failed ──── disconnected
 *                (failed ─connected─▶ connected: the remote restarted ICE)
 *                                (connected ─failed─▶ failed too)
 *
 *   any state except closed ──close──▶ closed
 * ```
 */
import { defineMachine } from '@opencall/protocol';

export type PeerLinkState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type PeerLinkEvent = 'start' | 'connected' | 'disconnected' | 'failed' | 'restart' | 'close';

export const PEER_LINK_STATES: readonly PeerLinkState[] = ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'];
export const PEER_LINK_EVENTS: readonly PeerLinkEvent[] = ['start', 'connected', 'disconnected', 'failed', 'restart', 'close'];

/** Every legal edge: `PEER_LINK_MACHINE.table[from][event] = to`. */
export const PEER_LINK_MACHINE = defineMachine<PeerLinkState, PeerLinkEvent>('PeerLink', {
  new: { start: 'connecting', close: 'closed' },
  connecting: { connected: 'connected', failed: 'failed', close: 'closed' },
  connected: { disconnected: 'disconnected', failed: 'failed', close: 'closed' },
  disconnected: { connected: 'connected', failed: 'failed', close: 'closed' },
  // `connected` straight from failed: the remote side restarted ICE and it worked.
  failed: { restart: 'connecting', connected: 'connected', close: 'closed' },
  closed: {},
});

/**
 * The machine event implied by an `RTCPeerConnection.connectionState` change, or `undefined`
 * when it implies no move (e.g. `connecting` while already connecting, or anything once closed).
 */
export function eventForConnectionState(current: PeerLinkState, pcState: RTCPeerConnectionState): PeerLinkEvent | undefined {
  if (current === 'closed') return undefined;
  const candidate: PeerLinkEvent | undefined = (
    {
      new: undefined,
      connecting: undefined,
      connected: 'connected',
      disconnected: 'disconnected',
      failed: 'failed',
      closed: 'close',
    } as const
  )[pcState];
  if (candidate === undefined) return undefined;
  return PEER_LINK_MACHINE.can(current, candidate) ? candidate : undefined;
}
