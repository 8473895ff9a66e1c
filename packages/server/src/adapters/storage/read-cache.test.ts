import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppRecord, Storage } from '../../ports/index.js';
import { type CachedStore, type ReadCache, withReadCache } from './read-cache.js';
import { openSqliteStorage } from './sqlite/open-sqlite-storage.js';

const T = 1_767_225_600_000;

/** Counts the queries the cache lets through to the real store. */
function counting(storage: Storage): { storage: Storage; reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const count = <S extends object>(name: string, store: S, methods: string[]): S => {
    const wrapped = { ...store } as Record<string, unknown>;
    for (const method of methods) {
      const original = (store as Record<string, (...args: unknown[]) => unknown>)[method]!;
      wrapped[method] = (...args: unknown[]) => {
        reads[`${name}.${method}`] = (reads[`${name}.${method}`] ?? 0) + 1;
        return original.apply(store, args);
      };
    }
    return wrapped as S;
  };
  return {
    reads,
    storage: {
      ...storage,
      apps: count('apps', storage.apps, ['get']),
      blacklists: count('blacklists', storage.blacklists, ['has', 'entriesAmong']),
      bans: count('bans', storage.bans, ['bannedUntil']),
      rtcBans: count('rtcBans', storage.rtcBans, ['bannedUntil', 'activeBans']),
    },
  };
}

const app: AppRecord = { appKey: 'k1', appSecret: 's', name: 'n', createdAt: T, audioCallEnabled: true, videoCallEnabled: true };

describe('read cache', () => {
  let raw: Storage;
  let reads: Record<string, number>;
  let cache: ReadCache;
  let storage: Storage;
  let changes: CachedStore[];

  beforeEach(async () => {
    raw = await openSqliteStorage(':memory:');
    const counted = counting(raw);
    reads = counted.reads;
    cache = withReadCache(counted.storage);
    storage = cache.storage;
    changes = [];
    cache.onLocalChange((store) => changes.push(store));
  });

  afterEach(async () => {
    await raw.close();
  });

  it('answers a repeated app read from memory and sees an upsert at once', async () => {
    await storage.apps.upsert(app);
    expect((await storage.apps.get('k1'))?.videoCallEnabled).toBe(true);
    expect((await storage.apps.get('k1'))?.videoCallEnabled).toBe(true);
    expect(reads['apps.get']).toBe(1);
    await storage.apps.upsert({ ...app, videoCallEnabled: false });
    expect((await storage.apps.get('k1'))?.videoCallEnabled).toBe(false);
    expect(reads['apps.get']).toBe(2);
    expect(changes).toEqual(['apps', 'apps']);
  });

  it('caches blacklist pairs from has and entriesAmong; add and remove take effect at once', async () => {
    await storage.blacklists.add('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
    expect(reads['blacklists.has']).toBe(1);
    const people = ['alice', 'bob', 'carol'];
    expect(await storage.blacklists.entriesAmong('k1', people, people)).toEqual([['alice', 'bob']]);
    expect(await storage.blacklists.entriesAmong('k1', people, people)).toEqual([['alice', 'bob']]);
    expect(reads['blacklists.entriesAmong']).toBe(1);
    // Pairs learnt by entriesAmong answer has.
    expect(await storage.blacklists.has('k1', 'carol', 'alice')).toBe(false);
    expect(reads['blacklists.has']).toBe(1);
    await storage.blacklists.remove('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(false);
    await storage.blacklists.add('k1', 'carol', ['alice']);
    expect(await storage.blacklists.entriesAmong('k1', people, people)).toEqual([['carol', 'alice']]);
  });

  it('a cached ban ends on time, and ban and unban take effect at once', async () => {
    expect(await storage.bans.bannedUntil('k1', 'u1', T)).toBeUndefined();
    await storage.bans.ban('k1', ['u1'], T + 1000);
    expect(await storage.bans.bannedUntil('k1', 'u1', T)).toBe(T + 1000);
    expect(await storage.bans.bannedUntil('k1', 'u1', T + 500)).toBe(T + 1000);
    expect(await storage.bans.bannedUntil('k1', 'u1', T + 1000)).toBeUndefined();
    expect(reads['bans.bannedUntil']).toBe(2);
    await storage.bans.unban('k1', ['u1']);
    expect(await storage.bans.bannedUntil('k1', 'u1', T)).toBeUndefined();
  });

  it('RTC bans: cached per user, so every new room (call) is answered from memory', async () => {
    expect(await storage.rtcBans.bannedUntil('k1', 'u1', 'room-1', T)).toBeUndefined();
    expect(await storage.rtcBans.bannedUntil('k1', 'u1', 'room-2', T)).toBeUndefined();
    expect(reads['rtcBans.activeBans']).toBe(1);
    expect(reads['rtcBans.bannedUntil']).toBeUndefined();
  });

  it('RTC bans: an every-room ban, a room ban and their ends, as the store answers them', async () => {
    await storage.rtcBans.ban('k1', ['u1'], undefined, T + 1000);
    await storage.rtcBans.ban('k1', ['u1'], 'room-x', T + 5000);
    for (const [room, at] of [
      ['room-1', T],
      ['room-x', T],
      ['room-x', T + 2000],
      ['room-1', T + 2000],
      ['room-x', T + 5000],
    ] as const) {
      expect(await storage.rtcBans.bannedUntil('k1', 'u1', room, at)).toBe(await raw.rtcBans.bannedUntil('k1', 'u1', room, at));
    }
    expect(await storage.rtcBans.bannedUntil('k1', 'u1', 'room-1', T)).toBe(T + 1000);
    expect(reads['rtcBans.activeBans']).toBe(1);
    await storage.rtcBans.unban('k1', ['u1'], undefined);
    expect(await storage.rtcBans.bannedUntil('k1', 'u1', 'room-1', T)).toBeUndefined();
    expect(await storage.rtcBans.bannedUntil('k1', 'u1', 'room-x', T)).toBe(T + 5000);
  });

  it('writes in a transaction invalidate after it settles, also when it rolls back', async () => {
    await storage.apps.upsert(app);
    await storage.apps.get('k1');
    await storage.transaction(async (tx) => {
      await tx.apps.upsert({ ...app, name: 'renamed' });
    });
    expect((await storage.apps.get('k1'))?.name).toBe('renamed');
    await expect(
      storage.transaction(async (tx) => {
        await tx.apps.upsert({ ...app, name: 'rolled back' });
        expect((await tx.apps.get('k1'))?.name).toBe('rolled back');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await storage.apps.get('k1'))?.name).toBe('renamed');
  });

  it('another node changed a store: invalidate drops it (the raw write is seen)', async () => {
    await storage.blacklists.has('k1', 'alice', 'bob');
    await raw.blacklists.add('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(false);
    cache.invalidate('blacklists');
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
    expect(changes).toEqual([]);
  });

  it('a read in flight across a write is not cached', async () => {
    const pending = storage.blacklists.has('k1', 'alice', 'bob');
    cache.invalidate('blacklists');
    expect(await pending).toBe(false);
    await raw.blacklists.add('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
  });

  it('while invalidations cannot arrive (bus unhealthy) reads bypass the cache, which starts empty after', async () => {
    let healthy = true;
    cache.useReliability(() => healthy);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(false);
    healthy = false;
    await raw.blacklists.add('k1', 'alice', ['bob']); // another node's write whose message is lost
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
    await raw.blacklists.remove('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(false);
    healthy = true;
    await raw.blacklists.add('k1', 'alice', ['bob']);
    expect(await storage.blacklists.has('k1', 'alice', 'bob')).toBe(true);
    expect(reads['blacklists.has']).toBe(4);
  });

  it('entries expire after maxAgeMs', async () => {
    const short = withReadCache(raw, { maxAgeMs: 20 }).storage;
    expect(await short.blacklists.has('k1', 'alice', 'bob')).toBe(false);
    await raw.blacklists.add('k1', 'alice', ['bob']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await short.blacklists.has('k1', 'alice', 'bob')).toBe(true);
  });
});
