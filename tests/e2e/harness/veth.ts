/**
 * A veth pair inside the test's network namespace (run-e2e.mjs runs the e2e tests under `unshare -n`
 * as root): Janus never gathers ICE on loopback, so it gets `v0` (10.99.0.1/24) instead.
 */
import { execFileSync } from 'node:child_process';

export interface Veth {
  iface: string;
  address: string;
  remove(): void;
}

export function addVeth(iface = 'ocsfu0', peer = 'ocsfu1', address = '10.99.0.1'): Veth {
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    ip('link', 'del', iface);
  } catch {
    // not there
  }
  ip('link', 'add', iface, 'type', 'veth', 'peer', 'name', peer);
  ip('addr', 'add', `${address}/24`, 'dev', iface);
  ip('link', 'set', iface, 'up');
  ip('link', 'set', peer, 'up');
  return {
    iface,
    address,
    remove() {
      try {
        ip('link', 'del', iface);
      } catch {
        // already gone
      }
    },
  };
}
