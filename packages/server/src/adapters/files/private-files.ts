/**
 * The data dir holds the app secrets (in the database) and the default App Key: the folder is made
 * owner-only (0700) and its files owner read/write (0600), whatever the umask, also when they were
 * created by an older version with wider modes.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Creates `dir` (and parents) if missing and makes it 0700. A folder owned by another user cannot be
 * changed (EPERM): that is reported as a process warning, not an error.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    if (code(error) !== 'EPERM') throw error;
    process.emitWarning(`cannot make ${dir} private (0700): it belongs to another user`);
  }
}

/** Creates `file` empty with mode 0600 if missing (so whatever writes it next keeps that mode). */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  restrictFile(file);
}

/** Makes an existing `file` 0600; a missing one is ignored. */
export function restrictFile(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}
