/**
 * Connection status as the IMLib 2.x / 4.x APIs report it (`RongIMLib.ConnectionStatus`), derived
 * from the 5.x core's events, and the bookkeeping to unsubscribe them together.
 */
import { ConnectionStatus } from '@opencall/engine';
import { ErrorCode } from '@opencall/protocol';
import { Events } from '../events.js';
import type { RongIMLibClient } from '../rong-imlib.js';

export { ConnectionStatus };

/** Legacy status for a core `DISCONNECT` with `code`. */
export function disconnectStatus(code: number): ConnectionStatus {
  return code === ErrorCode.RC_DISCONN_KICK ? ConnectionStatus.KICKED_OFFLINE_BY_OTHER_CLIENT : ConnectionStatus.DISCONNECTED;
}

/**
 * Calls `onStatus` with the legacy status on every connection change of `core`.
 * @returns a function removing exactly these listeners
 */
export function watchLegacyStatus(core: RongIMLibClient, onStatus: (status: ConnectionStatus) => void): () => void {
  const target = {};
  const onConnecting = () => onStatus(ConnectionStatus.CONNECTING);
  const onConnected = () => onStatus(ConnectionStatus.CONNECTED);
  const onSuspend = () => onStatus(ConnectionStatus.NETWORK_UNAVAILABLE);
  const onDisconnect = (code: number) => onStatus(disconnectStatus(code));
  core.addEventListener(Events.CONNECTING, onConnecting, target);
  core.addEventListener(Events.CONNECTED, onConnected, target);
  core.addEventListener(Events.SUSPEND, onSuspend, target);
  core.addEventListener(Events.DISCONNECT, onDisconnect, target);
  return () => {
    core.removeEventListener(Events.CONNECTING, onConnecting, target);
    core.removeEventListener(Events.CONNECTED, onConnected, target);
    core.removeEventListener(Events.SUSPEND, onSuspend, target);
    core.removeEventListener(Events.DISCONNECT, onDisconnect, target);
  };
}
