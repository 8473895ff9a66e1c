/**
 * Whether an error means the database cannot be reached right now (as opposed to a bug): the
 * connection was refused, reset, timed out or terminated by the server, or SQLite's file is busy,
 * full or unreadable. Such failures are answered with STORAGE_UNAVAILABLE (53220), not as internal
 * errors.
 */

/** Postgres SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention: shutdown). */
const POSTGRES_UNAVAILABLE = /^(08\d{3}|57P0[1-3])$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLITE_UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /connection error/i,
];

export function isStorageUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (
      typeof code === 'string' &&
      (POSTGRES_UNAVAILABLE.test(code) || NETWORK_CODES.has(code) || SQLITE_UNAVAILABLE.has(code.split('_').slice(0, 2).join('_')))
    )
      return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
