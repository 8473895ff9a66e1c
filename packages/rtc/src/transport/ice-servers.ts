/**
 * Fresh ICE servers for live connections. The server sends new TURN credentials before the old ones
 * expire (they live at most an hour); a live RTCPeerConnection takes them with `setConfiguration`,
 * keeping everything else of its configuration, and uses them from its next gathering on (an ICE
 * restart, a new relay allocation). New connections read the current ones when they are made.
 */
import type { RtcLogger } from '../logger.js';

/** Gives `pc` the new ICE servers; false (and a warning) if the browser refused them. */
export function applyIceServers(pc: RTCPeerConnection, iceServers: RTCIceServer[], logger: RtcLogger, name: string): boolean {
  if (pc.signalingState === 'closed') return false;
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    return true;
  } catch (error) {
    logger.warn(`${name}: could not apply fresh ICE servers`, error);
    return false;
  }
}
