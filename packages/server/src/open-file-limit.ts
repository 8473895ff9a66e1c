/** The process's open-file limit, which sizes the default cap on unauthenticated connections. */
import { readFileSync } from 'node:fs';

/** Used when the limit cannot be read (not Linux) or is unlimited. */
export const FALLBACK_MAX_PENDING_CONNECTIONS = 10_000;

/** The soft `Max open files` of a `/proc/<pid>/limits` text; undefined when absent or unlimited. */
export function parseSoftOpenFileLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!match || match[1] === 'unlimited') return undefined;
  return Number(match[1]);
}

/** Soft RLIMIT_NOFILE of this process (Linux `/proc/self/limits`); undefined elsewhere. */
export function softOpenFileLimit(): number | undefined {
  try {
    return parseSoftOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Default cap on unauthenticated connections: half the soft open-file limit (the other half stays
 * for authenticated sockets, storage, Janus and logs), at least 64; FALLBACK_MAX_PENDING_CONNECTIONS
 * when the limit is unknown.
 */
export function defaultMaxPendingConnections(softLimit: number | undefined): number {
  if (softLimit === undefined) return FALLBACK_MAX_PENDING_CONNECTIONS;
  return Math.max(64, Math.floor(softLimit / 2));
}
