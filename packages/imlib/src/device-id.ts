/**
 * This device's id, persisted in `sessionStorage['OpenCallDeviceId']` where available, else random per
 * instance. Per tab on purpose: two tabs of one user are two devices (both ring; the one that answers
 * wins and the other closes with ACCEPT_BY_OTHER_CLIENT), while a reload keeps its id. Every id it
 * gives fits the server's rule (`DEVICE_ID_PATTERN`); a stored id that does not is replaced.
 */
import { DEVICE_ID_PATTERN } from '@opencall/protocol';

export const DEVICE_ID_STORAGE_KEY = 'OpenCallDeviceId';

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A new random device id: a UUID when the runtime has `crypto.randomUUID`, else 32 hex digits. */
export function randomDeviceId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  if (uuid !== undefined) return uuid;
  let id = '';
  for (let i = 0; i < 4; i++)
    id += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return id;
}

/** The stored device id, or a new one (stored when storage works). Storage failures are not errors. */
export function loadOrCreateDeviceId(storage: StorageLike | undefined = browserStorage()): string {
  try {
    const stored = storage?.getItem(DEVICE_ID_STORAGE_KEY);
    if (typeof stored === 'string' && DEVICE_ID_PATTERN.test(stored)) return stored;
  } catch {
    // Storage can throw (privacy mode, sandboxed iframe): fall through to a fresh id.
  }
  const id = randomDeviceId();
  try {
    storage?.setItem(DEVICE_ID_STORAGE_KEY, id);
  } catch {
    // Not persisted: this page load keeps the id in memory.
  }
  return id;
}

function browserStorage(): StorageLike | undefined {
  try {
    return (globalThis as { sessionStorage?: StorageLike }).sessionStorage;
  } catch {
    return undefined;
  }
}
