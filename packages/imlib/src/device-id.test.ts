import { DEVICE_ID_PATTERN, DeviceId } from '@opencall/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { DEVICE_ID_STORAGE_KEY, loadOrCreateDeviceId, randomDeviceId } from './device-id.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('device ids the SDK generates', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fit the server’s hello schema, with and without crypto.randomUUID', () => {
    for (let i = 0; i < 50; i++) {
      const id = randomDeviceId();
      expect(id).toMatch(DEVICE_ID_PATTERN);
      expect(z.safeParse(DeviceId, id).success).toBe(true);
    }
    vi.stubGlobal('crypto', undefined);
    for (let i = 0; i < 50; i++) {
      const id = randomDeviceId();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(z.safeParse(DeviceId, id).success).toBe(true);
    }
  });

  it('keeps a valid stored id, and replaces one the server would refuse', () => {
    expect(loadOrCreateDeviceId(memoryStorage({ [DEVICE_ID_STORAGE_KEY]: 'tab-1.a:b_c' }))).toBe('tab-1.a:b_c');
    for (const bad of ['', 'x'.repeat(65), 'has space', 'é', '<script>', 'a/b']) {
      const storage = memoryStorage({ [DEVICE_ID_STORAGE_KEY]: bad });
      const id = loadOrCreateDeviceId(storage);
      expect(id).not.toBe(bad);
      expect(id).toMatch(DEVICE_ID_PATTERN);
      expect(storage.items.get(DEVICE_ID_STORAGE_KEY)).toBe(id);
    }
  });

  it('works without storage, or when storage throws', () => {
    expect(loadOrCreateDeviceId(undefined)).toMatch(DEVICE_ID_PATTERN);
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadOrCreateDeviceId(throwing)).toMatch(DEVICE_ID_PATTERN);
  });
});
