/**
 * Media paths a test can change under a call: two veth interfaces in the test's network namespace,
 * each with one address that is added or removed to move, break or restore the path. Chromium must run
 * without loopback ICE (`loopbackIce: false`) so that media can only use these addresses.
 */
import { execFileSync } from 'node:child_process';

export interface MediaPath {
  iface: string;
  peer: string;
  address: string;
}

export const OLD_PATH: MediaPath = { iface: 'ocpatha0', peer: 'ocpatha1', address: '10.97.1.1' };
export const NEW_PATH: MediaPath = { iface: 'ocpathb0', peer: 'ocpathb1', address: '10.97.2.1' };
/** Time for Chromium to learn about a new network interface and gather on it. */
export const NETWORK_NOTICED_MS = 3000;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
}

/** Creates both interfaces, up, without addresses. */
export function addMediaLinks(): void {
  for (const path of [OLD_PATH, NEW_PATH]) {
    removeLink(path);
    ip('link', 'add', path.iface, 'type', 'veth', 'peer', 'name', path.peer);
    ip('link', 'set', path.iface, 'up');
    ip('link', 'set', path.peer, 'up');
  }
}

export function removeMediaLinks(): void {
  for (const path of [OLD_PATH, NEW_PATH]) removeLink(path);
}

function removeLink(path: MediaPath): void {
  try {
    ip('link', 'del', path.iface);
  } catch {
    // not there
  }
}

/** Exactly the addresses of `paths` are up (the other test addresses are removed). */
export function useAddresses(...paths: MediaPath[]): void {
  for (const path of [OLD_PATH, NEW_PATH]) {
    try {
      ip('addr', 'del', `${path.address}/24`, 'dev', path.iface);
    } catch {
      // not there
    }
  }
  for (const path of paths) ip('addr', 'add', `${path.address}/24`, 'dev', path.iface);
}

/**
 * Moves media from OLD_PATH to NEW_PATH. `path-change`: the new address appears as the old one goes.
 * `handover`: the new one is up (and noticed) first, then the old one goes. Resolves at the break.
 */
export async function moveMedia(kind: 'path-change' | 'handover'): Promise<void> {
  if (kind === 'handover') {
    useAddresses(OLD_PATH, NEW_PATH);
    await new Promise((resolve) => setTimeout(resolve, NETWORK_NOTICED_MS));
  }
  useAddresses(NEW_PATH);
}
