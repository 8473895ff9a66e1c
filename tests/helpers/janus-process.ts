/** Pid of the Janus a server spawned with its config under `dataDir` (found in /proc), if it runs. */
import { readdirSync, readFileSync } from 'node:fs';

export function janusPidOf(dataDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline[0]?.endsWith('janus') && cmdline.some((arg) => arg.startsWith(`${dataDir}/janus`))) return Number(entry);
    } catch {
      // the process is gone
    }
  }
  return undefined;
}
