/**
 * Per-file watchdog: if a test file runs longer than its budget, it kills the browser and the server
 * (so every pending page call rejects at once) and the file fails. Needed because a hung Playwright
 * call or a swallowed SIGTERM would otherwise stall the whole run.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Watchdog {
  /** True once the budget ran out. */
  readonly expired: boolean;
  /** Stops the timer (call in afterAll, before teardown). */
  disarm(): void;
  /** Throws if the watchdog fired (call in afterAll so the file fails even if each test passed). */
  assertNotExpired(): void;
}

export function startWatchdog(label: string, budgetMs: number, kill: () => Promise<void>): Watchdog {
  let expired = false;
  let exitTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    expired = true;
    console.error(`[watchdog] ${label}: over its ${budgetMs} ms budget; killing the browser and the server`);
    void kill().catch((error: unknown) => console.error('[watchdog] kill failed:', error));
    // If teardown still does not finish, end the worker; Vitest reports the file as failed.
    exitTimer = setTimeout(() => process.exit(1), 15_000);
    exitTimer.unref();
  }, budgetMs);
  timer.unref();
  return {
    get expired() {
      return expired;
    },
    disarm() {
      clearTimeout(timer);
      if (exitTimer) clearTimeout(exitTimer);
    },
    assertNotExpired() {
      if (expired) throw new Error(`${label}: watchdog fired after ${budgetMs} ms`);
    },
  };
}

/**
 * SIGKILLs the process groups of this process's direct children whose command line matches
 * `command` (Playwright starts Chromium as a group leader, so this takes its helpers too).
 * Targets only processes this test process started, by pid.
 */
export function killChildProcesses(command: RegExp): number[] {
  const killed: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!command.test(cmdline.split('\0')[0] ?? '')) continue;
      const pid = Number(name);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
      killed.push(pid);
    } catch {
      // The process ended while we looked at it.
    }
  }
  return killed;
}
